import { parseProcStat } from '../src/cpu';
import { parseState } from '../src/threadStates';

const LINE = '4242 (node (x) y) D 1 2 3 4 5 6 7 8 9 10 250 50 12 8 20 0 11 0 99';

describe('/proc/<pid>/stat', () => {
  it('reads the parent, utime + stime and cutime + cstime past a command name with spaces and parentheses', () => {
    expect(parseProcStat(LINE)).toEqual({ ppid: 1, own: 300, children: 20 });
  });

  it('reads the state letter', () => {
    expect(parseState(LINE)).toBe('D');
    expect(parseState('1 (init) S 0')).toBe('S');
  });
});
