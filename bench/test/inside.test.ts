import { Agent } from 'node:https';
import { parsePrometheusText } from '@strife/runtime';
import { insideBetween, type Scrape, scrapeAll } from '../src/inside';

function scrape(service: string, text: string): Scrape {
  return new Map([[service, parsePrometheusText(text)]]);
}

const BEFORE = `
strife_grpc_call_seconds_sum{grpc_service="strife.v1.BankService",grpc_method="ApplyLegs"} 1.5
strife_grpc_call_seconds_count{grpc_service="strife.v1.BankService",grpc_method="ApplyLegs"} 1000
strife_grpc_call_seconds_sum{grpc_service="grpc.health.v1.Health",grpc_method="Check"} 0.01
strife_grpc_call_seconds_count{grpc_service="grpc.health.v1.Health",grpc_method="Check"} 4
strife_group_commit_seconds_sum{store="bank"} 0.8
strife_group_commit_seconds_count{store="bank"} 500
strife_group_commit_writes_sum{store="bank"} 900
`;

const AFTER = `
strife_grpc_call_seconds_bucket{le="0.001",grpc_service="strife.v1.BankService",grpc_method="ApplyLegs"} 1100
strife_grpc_call_seconds_sum{grpc_service="strife.v1.BankService",grpc_method="ApplyLegs"} 1.9
strife_grpc_call_seconds_count{grpc_service="strife.v1.BankService",grpc_method="ApplyLegs"} 1200
strife_grpc_call_seconds_sum{grpc_service="grpc.health.v1.Health",grpc_method="Check"} 0.01
strife_grpc_call_seconds_count{grpc_service="grpc.health.v1.Health",grpc_method="Check"} 4
strife_group_commit_seconds_sum{store="bank"} 1.1
strife_group_commit_seconds_count{store="bank"} 600
strife_group_commit_writes_sum{store="bank"} 1300
strife_2pc_phase_seconds_sum{phase="prepare"} 0.05
strife_2pc_phase_seconds_count{phase="prepare"} 10
`;

describe('what the services timed inside the window', () => {
  it('gives each step its count and mean over the window, not since the start', () => {
    const rows = insideBetween(scrape('bank SBI', BEFORE), scrape('bank SBI', AFTER));
    expect(rows).toHaveLength(3);
    const [calls, prepare, commits] = rows;
    expect(calls).toMatchObject({ service: 'bank SBI', step: 'ApplyLegs', count: 200 });
    expect(calls?.meanMs).toBeCloseTo(2, 9);
    // A series absent from the first scrape counts from zero.
    expect(prepare).toMatchObject({ step: '2PC prepare', count: 10 });
    expect(prepare?.meanMs).toBeCloseTo(5, 9);
    expect(commits).toMatchObject({ step: 'commit bank', count: 100 });
    expect(commits?.meanMs).toBeCloseTo(3, 9);
    expect(commits?.writesPerCommit).toBeCloseTo(4, 9);
  });

  it('leaves out a service it could not read at both ends', () => {
    expect(insideBetween(new Map(), scrape('gateway', AFTER))).toEqual([]);
  });
});

describe('reading the services at the edges of the window', () => {
  it('names a service it could not read, with why, instead of dropping it silently', async () => {
    const agent = new Agent();
    try {
      // Port 1 on loopback: nothing listens there, so the connection is refused at once.
      const round = await scrapeAll([{ name: 'gateway', address: '127.0.0.1:1' }], agent);
      expect(round.samples.size).toBe(0);
      expect(round.failed).toEqual([expect.stringMatching(/^gateway: .*ECONNREFUSED/)]);
    } finally {
      agent.destroy();
    }
  });
});
