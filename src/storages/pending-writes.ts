/**
 * Writes queued for a storage but maybe not started yet: a live trial queues what it is told
 * (suggestions, attributes) at once and writes it as soon as the current synchronous run of
 * the caller ends. `close()` waits for them, so that a worker that suggests, sets an attribute
 * and closes the storage in the same breath leaves all of it stored.
 */

const pending = new WeakMap<object, Set<Promise<void>>>();

/** Registers a write of `storage`; `written` must settle when it is done and never reject. */
export function trackWrite(storage: object, written: Promise<void>): void {
  let writes = pending.get(storage);
  if (writes === undefined) {
    writes = new Set();
    pending.set(storage, writes);
  }
  writes.add(written);
  void written.then(() => writes.delete(written));
}

/** Waits until every write registered for `storage` (also those registered meanwhile) is done. */
export async function settleWrites(storage: object): Promise<void> {
  const writes = pending.get(storage);
  while (writes !== undefined && writes.size > 0) await Promise.all([...writes]);
}
