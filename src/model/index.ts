export * from './schema.js';
export * from './decimal.js';
export * from './values.js';
export * from '../text/index.js';
export { normalize, FUND_COLUMN_NAMES } from './normalize.js';
export { LedgerRow, PackedLedger, type PackedLedgerData, normalizeLedger } from './ledger.js';
