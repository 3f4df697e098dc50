/** @module Payouts: monthly statements that split an amount across publishers by their reads. */
export { createStatement, getStatement, listStatements, type Statement } from './statements';
