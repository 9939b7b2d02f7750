export { Ledger } from './ledger';
export type {
  AccountView,
  LedgerOptions,
  LedgerTotals,
  LegName,
  LegRecord,
  LegRequest,
  LegState,
  OpenAccountInput,
  SeedRow,
  TransactionPage,
  TransactionQuery,
  Vote,
  VoteNoReason,
} from './types';
