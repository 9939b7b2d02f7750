export * from './gen/strife/v1/bank';
export * from './gen/strife/v1/gateway';
export * from './gen/strife/v1/txid';
export * from './errors';
export * from './money';
export * from './account';
export * from './idempotencyKey';
