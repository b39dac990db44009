const queues = new Map<string, Promise<unknown>>();

/**
 * Run `fn` after every earlier call with the same key has settled. The
 * engine records concurrently; the backends take those one at a time so that
 * each is a cheap delta on the last (and the local one does not spin on its
 * file mutex).
 */
export function serialize<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(fn, fn);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}
