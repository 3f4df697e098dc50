/** @module The meter: free articles a month for signed-in readers without an entitlement. */
export {
  type MeteredArticle,
  type MeterStatus,
  meterStatus,
  meterWouldGrant,
  takeMeteredArticle,
} from './meter';
export { MeterSchema, presentMeter } from './shapes';
