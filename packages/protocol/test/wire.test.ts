import {
  BankServiceDefinition,
  GatewayServiceDefinition,
  PayRequest,
  TxIdServiceDefinition,
} from '../src';

describe('generated wire contract', () => {
  it('carries int64 money as bigint without loss', () => {
    const request = {
      idempotencyKey: 'k',
      to: 'SBI:2001',
      amount: 9_223_372_036_854_775_807n,
      from: '',
    };
    expect(PayRequest.decode(PayRequest.encode(request).finish())).toEqual(request);
  });

  it('marks read-only RPCs NO_SIDE_EFFECTS and retry-safe ones IDEMPOTENT', () => {
    const levels = (definition: {
      methods: Record<string, { options: { idempotencyLevel?: string } }>;
    }) =>
      Object.fromEntries(
        Object.entries(definition.methods).map(([name, m]) => [name, m.options.idempotencyLevel]),
      );
    expect(levels(BankServiceDefinition)).toEqual({
      openAccount: 'IDEMPOTENT',
      getAccount: 'NO_SIDE_EFFECTS',
      prepareDebit: 'IDEMPOTENT',
      prepareCredit: 'IDEMPOTENT',
      commit: 'IDEMPOTENT',
      abort: 'IDEMPOTENT',
      listTransactions: 'NO_SIDE_EFFECTS',
      applyLegs: 'IDEMPOTENT',
    });
    expect(levels(GatewayServiceDefinition)).toMatchObject({
      register: 'IDEMPOTENT',
      login: undefined,
      pay: 'IDEMPOTENT',
      getBalance: 'NO_SIDE_EFFECTS',
      getPayment: 'NO_SIDE_EFFECTS',
      listPayments: 'NO_SIDE_EFFECTS',
    });
    expect(levels(TxIdServiceDefinition)).toEqual({ lease: undefined });
  });
});
