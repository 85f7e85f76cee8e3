/**
 * The promise `map` holds for `key`, or `start()`'s, kept there: concurrent
 * callers share one attempt (one container per task id, one pull per image,
 * one claim per volume). A rejected attempt is forgotten, so the next call
 * tries again.
 */
export function once<K, T>(map: Map<K, Promise<T>>, key: K, start: () => Promise<T>): Promise<T> {
  const known = map.get(key);
  if (known !== undefined) return known;
  const attempt = start();
  map.set(key, attempt);
  attempt.catch(() => {
    if (map.get(key) === attempt) map.delete(key);
  });
  return attempt;
}
