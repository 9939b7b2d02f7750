export { Ledger } from './ledger';
export type {
  AccountView,
  LedgerOptions,
  LedgerTotals,
  LegRecord,
  LegRequest,
  OpenAccountInput,
  SeedRow,
  TransactionPage,
  TransactionQuery,
  TransferRequest,
} from './types';
