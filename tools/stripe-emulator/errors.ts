/** @module Stripe's error shape (`{error: {type, message, code?, param?}}`) as a throwable. */

export type StripeErrorType = 'invalid_request_error' | 'card_error' | 'idempotency_error' | 'api_error';

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  charge?: string;
}

/** Thrown by handlers; the HTTP layer turns it into Stripe's JSON error answer. */
export class EmulatorApiError extends Error {
  readonly status: number;
  readonly body: StripeErrorBody;

  constructor(status: number, body: StripeErrorBody) {
    super(body.message);
    this.name = 'EmulatorApiError';
    this.status = status;
    this.body = body;
  }
}

export function invalidRequest(message: string, param?: string, code?: string): EmulatorApiError {
  return new EmulatorApiError(400, {
    type: 'invalid_request_error',
    message,
    ...(param === undefined ? {} : { param }),
    ...(code === undefined ? {} : { code }),
  });
}

/** Stripe answers an unknown or deleted id with 404 `resource_missing`, naming the object kind. */
export function resourceMissing(kind: string, id: string, param = 'id'): EmulatorApiError {
  return new EmulatorApiError(404, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param,
    message: `No such ${kind}: '${id}'`,
    doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
  });
}

/** A reference in the body (e.g. `customer`) to a missing object is a 400 in Stripe, not a 404. */
export function missingReference(kind: string, id: string, param: string): EmulatorApiError {
  return new EmulatorApiError(400, {
    type: 'invalid_request_error',
    code: 'resource_missing',
    param,
    message: `No such ${kind}: '${id}'`,
  });
}

export function cardError(message: string, declineCode: string, charge?: string): EmulatorApiError {
  return new EmulatorApiError(402, {
    type: 'card_error',
    code: 'card_declined',
    decline_code: declineCode,
    message,
    ...(charge === undefined ? {} : { charge }),
  });
}
