/**
 * @module Outbound webhooks to publishers: the endpoint and delivery use-cases (the publisher API
 * and the consoles call them), the event rows other features put in their batches, and the jobs.
 */
export { type Delivery, listDeliveries, redeliver, sendTest, webhookHealth } from './deliveries';
export { deliverWebhooks, sendWebhooksSoon } from './dispatch';
export {
  createEndpoint,
  deleteEndpoint,
  type Endpoint,
  getEndpoint,
  listEndpoints,
  rotateSecret,
  SUBSCRIBABLE_EVENTS,
  updateEndpoint,
} from './endpoints';
export { endedByChange, entitlementEndedRows, statementPublishedRows } from './events';
export { announceExpiries, announceNewKeys, runWebhookJobs } from './jobs';
export { webhookRoutes } from './routes';
export type { WebhookTransport } from './transport';
