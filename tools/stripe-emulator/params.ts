/**
 * @module Unknown parameters refused as Stripe refuses them (400 `parameter_unknown`, "Received
 * unknown parameter: x"): each route's top-level parameters are those of the SDK's own parameter
 * type for the call (`CustomerCreateParams`, …, read from the installed `stripe` package's type
 * definitions), so the list is Stripe's, not a guess. A route without an entry is not checked.
 * Keys inside object parameters are checked against the nested types (`nested-params.ts`).
 */

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { invalidRequest } from './errors';
import type { FormObject } from './form';
import { refuseUnknownNested } from './nested-params';

/** `METHOD /v1/route/:pattern` → the SDK's resource file and parameter type. */
const PARAM_TYPES: Readonly<Record<string, readonly [string, string]>> = {
  'POST /v1/customers': ['Customers', 'CustomerCreateParams'],
  'GET /v1/customers': ['Customers', 'CustomerListParams'],
  'GET /v1/customers/:id': ['Customers', 'CustomerRetrieveParams'],
  'POST /v1/customers/:id': ['Customers', 'CustomerUpdateParams'],
  'DELETE /v1/customers/:id': ['Customers', 'CustomerDeleteParams'],
  'GET /v1/prices/:id': ['Prices', 'PriceRetrieveParams'],
  'GET /v1/prices': ['Prices', 'PriceListParams'],
  'GET /v1/products/:id': ['Products', 'ProductRetrieveParams'],
  'GET /v1/products': ['Products', 'ProductListParams'],
  'POST /v1/checkout/sessions': ['Checkout/Sessions', 'SessionCreateParams'],
  'GET /v1/checkout/sessions': ['Checkout/Sessions', 'SessionListParams'],
  'GET /v1/checkout/sessions/:id': ['Checkout/Sessions', 'SessionRetrieveParams'],
  'GET /v1/checkout/sessions/:id/line_items': ['Checkout/Sessions', 'SessionListLineItemsParams'],
  'POST /v1/checkout/sessions/:id/expire': ['Checkout/Sessions', 'SessionExpireParams'],
  'POST /v1/billing_portal/sessions': ['BillingPortal/Sessions', 'SessionCreateParams'],
  'GET /v1/subscriptions': ['Subscriptions', 'SubscriptionListParams'],
  'GET /v1/subscriptions/:id': ['Subscriptions', 'SubscriptionRetrieveParams'],
  'POST /v1/subscriptions/:id': ['Subscriptions', 'SubscriptionUpdateParams'],
  'DELETE /v1/subscriptions/:id': ['Subscriptions', 'SubscriptionCancelParams'],
  'POST /v1/subscriptions/:id/resume': ['Subscriptions', 'SubscriptionResumeParams'],
  'GET /v1/invoices': ['Invoices', 'InvoiceListParams'],
  'GET /v1/invoices/:id': ['Invoices', 'InvoiceRetrieveParams'],
  'POST /v1/invoices/:id/pay': ['Invoices', 'InvoicePayParams'],
  'GET /v1/invoice_payments': ['InvoicePayments', 'InvoicePaymentListParams'],
  'GET /v1/charges': ['Charges', 'ChargeListParams'],
  'GET /v1/charges/:id': ['Charges', 'ChargeRetrieveParams'],
  'POST /v1/refunds': ['Refunds', 'RefundCreateParams'],
  'GET /v1/refunds': ['Refunds', 'RefundListParams'],
  'GET /v1/refunds/:id': ['Refunds', 'RefundRetrieveParams'],
  'GET /v1/events': ['Events', 'EventListParams'],
  'GET /v1/events/:id': ['Events', 'EventRetrieveParams'],
  'GET /v1/disputes': ['Disputes', 'DisputeListParams'],
  'GET /v1/disputes/:id': ['Disputes', 'DisputeRetrieveParams'],
  'POST /v1/disputes/:id': ['Disputes', 'DisputeUpdateParams'],
  'POST /v1/disputes/:id/close': ['Disputes', 'DisputeCloseParams'],
  'POST /v1/test_helpers/test_clocks': ['TestHelpers/TestClocks', 'TestClockCreateParams'],
  'GET /v1/test_helpers/test_clocks': ['TestHelpers/TestClocks', 'TestClockListParams'],
  'GET /v1/test_helpers/test_clocks/:id': ['TestHelpers/TestClocks', 'TestClockRetrieveParams'],
  'POST /v1/test_helpers/test_clocks/:id/advance': ['TestHelpers/TestClocks', 'TestClockAdvanceParams'],
  'DELETE /v1/test_helpers/test_clocks/:id': ['TestHelpers/TestClocks', 'TestClockDeleteParams'],
};

const PAGINATION = ['ending_before', 'limit', 'starting_after'];

let resourcesDir: string | null | undefined;

function resources(): string | null {
  if (resourcesDir === undefined) {
    try {
      // The package exports no `package.json`: its entry point, then up to the package's folder.
      let dir = dirname(createRequire(import.meta.url).resolve('stripe'));
      while (!existsSync(join(dir, 'esm', 'resources')) && dirname(dir) !== dir) dir = dirname(dir);
      resourcesDir = join(dir, 'esm', 'resources');
    } catch {
      resourcesDir = null;
    }
  }
  return resourcesDir;
}

/** The top-level properties of an interface in a `.d.ts` (all, and those not optional), or null when not found. */
export function interfaceShape(
  source: string,
  name: string,
): { all: Set<string>; required: Set<string> } | null {
  const lines = source.split('\n');
  const head = new RegExp(`^\\s*(export )?interface ${name}( extends [^{]+)?\\s*\\{\\s*$`);
  const start = lines.findIndex((l) => head.test(l));
  if (start < 0) return null;
  const indent = /^\s*/.exec(lines[start] ?? '')?.[0] ?? '';
  const all = new Set<string>();
  const required = new Set<string>();
  if ((lines[start] ?? '').includes('extends PaginationParams')) for (const p of PAGINATION) all.add(p);
  const prop = new RegExp(`^${indent}    ([a-z_][a-z0-9_]*)(\\??):`);
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === `${indent}}`) return { all, required };
    const m = prop.exec(line);
    if (m?.[1]) {
      all.add(m[1]);
      if (m[2] !== '?') required.add(m[1]);
    }
  }
  return null;
}

const sources = new Map<string, string | null>();

/** The SDK's type definitions of a resource (`Customers`, `Checkout/Sessions`, …), or null; read once. */
export function sdkTypes(resource: string): string | null {
  if (sources.has(resource)) return sources.get(resource) ?? null;
  const dir = resources();
  let source: string | null = null;
  try {
    source = dir === null ? null : readFileSync(join(dir, `${resource}.d.ts`), 'utf8');
  } catch {
    source = null;
  }
  sources.set(resource, source);
  return source;
}

const known = new Map<string, Set<string> | null>();

function allowedFor(route: string): Set<string> | null {
  if (known.has(route)) return known.get(route) ?? null;
  const entry = PARAM_TYPES[route];
  const source = entry === undefined ? null : sdkTypes(entry[0]);
  const allowed =
    source === null || entry === undefined ? null : (interfaceShape(source, entry[1])?.all ?? null);
  allowed?.add('expand');
  known.set(route, allowed);
  return allowed;
}

/** Throws Stripe's `parameter_unknown` for a parameter, at any depth, that the call does not take. */
export function refuseUnknownParams(method: string, routePath: string, params: FormObject): void {
  const route = `${method} ${routePath}`;
  const allowed = allowedFor(route);
  if (allowed === null) return;
  for (const key of Object.keys(params)) {
    if (!allowed.has(key))
      throw invalidRequest(`Received unknown parameter: ${key}`, key, 'parameter_unknown');
  }
  const entry = PARAM_TYPES[route];
  const source = entry === undefined ? null : sdkTypes(entry[0]);
  if (entry !== undefined && source !== null) refuseUnknownNested(source, entry[1], params);
}
