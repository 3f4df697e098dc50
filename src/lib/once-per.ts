/**
 * @module Values built once per owning object (a configuration, a database) and kept for as long
 * as that object lives: Stripe clients, key sets, derived keys, prepared queries.
 */

/** `build(owner)` on the first call for an owner, the same value on every later call. */
export function oncePer<K extends object, V>(build: (owner: K) => V): (owner: K) => V {
  const built = new WeakMap<K, V>();
  return (owner) => {
    let value = built.get(owner);
    if (value === undefined) {
      value = build(owner);
      built.set(owner, value);
    }
    return value;
  };
}
