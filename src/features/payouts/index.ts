/**
 * @module Payouts: monthly statements that split an amount across publishers by their reads, each
 * committed to by a Merkle root over the counted reads and signed, for every publisher to verify.
 */
export { verifyStatement } from '@onepass/verify/statement';
export {
  getPublisherStatement,
  listPublisherStatements,
  type PublisherStatement,
  type PublisherStatementRow,
  verifyPublisherStatement,
} from './publisher';
export { publisherStatementRoutes } from './publisher-routes';
export { createStatement, getStatement, listStatements, type Statement } from './statements';
