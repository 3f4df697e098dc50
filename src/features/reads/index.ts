/** @module Reads: the per-read ledger publishers report into, and the reports drawn from it. */
export {
  type DayCount,
  type PublisherReads,
  publisherReads,
  type ReadsReport,
  readsByPublisher,
} from './report';
export { type TopArticle, topArticles } from './top';
