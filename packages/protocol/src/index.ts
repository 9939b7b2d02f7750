export * from './gen/strife/v1/bank';
export * from './gen/strife/v1/gateway';
export * from './gen/strife/v1/txid';
export * from './wire';
export * from './gen/strife/v1/ops';
export * from './descriptors';
