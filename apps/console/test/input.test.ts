import { isLoopback, listenAddress } from '../src/config/listenAddress';
import { parsePaymentQuery } from '../src/http/paymentQuery';

describe('payment queries', () => {
  const parse = (query: string) => parsePaymentQuery(new URLSearchParams(query));

  it('reads a txid, or a key with or without its user', () => {
    expect(parse('txid=42')).toEqual({ txid: 42n });
    expect(parse('txid=18446744073709551615')).toEqual({ txid: 18446744073709551615n });
    expect(parse('key=k-1&user=alice')).toEqual({ username: 'alice', key: 'k-1' });
    expect(parse('key=k-1')).toEqual({ username: '', key: 'k-1' });
  });

  it('names what is wrong', () => {
    expect(parse('txid=18446744073709551616')).toEqual({
      error: expect.stringMatching(/^txid:/) as unknown,
    });
    expect(parse('txid=-1')).toEqual({ error: expect.stringMatching(/^txid:/) as unknown });
    expect(parse(`key=k&user=${'u'.repeat(65)}`)).toEqual({
      error: expect.stringMatching(/^user:/) as unknown,
    });
    expect(parse(`key=${'k'.repeat(256)}&user=a`)).toEqual({
      error: expect.stringMatching(/^key:/) as unknown,
    });
    expect(parse('txid=1&key=k&user=a')).toHaveProperty('error');
    expect(parse('')).toHaveProperty('error');
  });
});

describe('where the console listens', () => {
  it('serves loopback addresses plainly and anything else over TLS', () => {
    expect(listenAddress({ console: undefined })).toEqual({
      host: '127.0.0.1',
      port: 50080,
      address: '127.0.0.1:50080',
      secure: false,
    });
    expect(listenAddress({ console: { address: 'localhost:8080' } }).secure).toBe(false);
    expect(listenAddress({ console: { address: '0.0.0.0:8080' } }).secure).toBe(true);
    expect(listenAddress({ console: { address: 'ops.example.internal:443' } }).secure).toBe(true);
    expect(isLoopback('127.1.2.3')).toBe(true);
    expect(isLoopback('10.0.0.1')).toBe(false);
  });
});
