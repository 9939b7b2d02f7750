import { TypeOverrides } from 'pg';

const INT8 = 20;
const INT8_ARRAY = 1016;

/** An `int8[]` as read: bigints and NULLs, nested once per dimension. */
export type BigintArray = (bigint | null | BigintArray)[];

/**
 * Type parsers for one pool: `int8` (and `int8[]`) become `bigint`, so money and ids never pass
 * through a JS number. Per pool rather than through `pg.types.setTypeParser`, so no other user
 * of `pg` in the process is changed, and no other user can change ours.
 */
export function bigintTypes(): TypeOverrides {
  const overrides = new TypeOverrides();
  overrides.setTypeParser(INT8, 'text', (value: string) => BigInt(value));
  overrides.setTypeParser(INT8_ARRAY, 'text', parseBigintArray);
  return overrides;
}

/**
 * Parses the text form of an `int8[]`, e.g. `{1,NULL,-2}` or `[0:1]={{1,2},{3,4}}`. Its elements
 * are never quoted, so commas and braces are the whole grammar.
 */
export function parseBigintArray(text: string): BigintArray {
  const body = text.startsWith('[') ? text.slice(text.indexOf('=') + 1) : text;
  const stack: BigintArray[] = [];
  let result: BigintArray | undefined;
  let token = '';
  const endToken = (): void => {
    if (token === '') return;
    stack.at(-1)?.push(token === 'NULL' ? null : BigInt(token));
    token = '';
  };
  for (const char of body) {
    if (char === '{') {
      const array: BigintArray = [];
      stack.at(-1)?.push(array);
      stack.push(array);
    } else if (char === '}') {
      endToken();
      result = stack.pop();
    } else if (char === ',') {
      endToken();
    } else {
      token += char;
    }
  }
  if (result === undefined || stack.length > 0) throw new SyntaxError(`not an int8[]: ${text}`);
  return result;
}
