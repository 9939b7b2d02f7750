export * from './errors';
export * from './money';
export * from './account';
export * from './idempotencyKey';
export * from './payment';
export * from './quote';
export * from './backoff';
