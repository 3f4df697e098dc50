/**
 * @module The id and type of a Stripe event read from its raw JSON without parsing it (Stripe
 * writes `id` as the first member of an event and `type` as the last), so that a delivery of a type
 * the service ignores, or of an event already processed, is answered without parsing its payload.
 */

/** `{ "id": "evt_…",` at the very start: the top-level object's first member. */
const FIRST_ID = /^\s*\{\s*"id"\s*:\s*"(evt_[A-Za-z0-9_]+)"\s*,/;
/**
 * `, "type": "…" }` at the very end: the top-level object's last member, the one `JSON.parse` keeps
 * when a key repeats. Inside a JSON string every `"` is escaped, so `"type"` with bare quotes
 * before `}` and the end of the text cannot be part of a string.
 */
const LAST_TYPE = /,\s*"type"\s*:\s*"([a-z0-9_.]+)"\s*\}\s*$/;

export interface EventHead {
  id: string;
  type: string;
}

/**
 * The event's id and type when the payload is laid out as Stripe lays out events; null otherwise,
 * and then the payload is parsed as a whole. Only for a payload whose signature has been verified.
 */
export function eventHead(raw: string): EventHead | null {
  const id = FIRST_ID.exec(raw)?.[1];
  if (id === undefined) return null;
  // The type is near the end: matching a tail keeps the search off the rest of a large payload.
  const type = LAST_TYPE.exec(raw.length > TAIL ? raw.slice(-TAIL) : raw)?.[1];
  return type === undefined ? null : { id, type };
}

/** Characters from the end in which the last member is looked for (an event type is < 64). */
const TAIL = 256;
