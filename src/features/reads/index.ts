/** @module Reads: the per-read ledger publishers report into, and the reports drawn from it. */
export { type PublisherReads, readsByPublisher } from './report';
