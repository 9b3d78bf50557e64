/**
 * Wraps a loader so it runs once and every caller shares its result, except that a failure is not
 * kept: the next call tries again. Key files get fixed (created, chmod-ed) while the gateway runs, and a
 * cached rejection would need a restart to clear.
 */
export function onceUntilFailure<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      const attempt = load();
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
}
