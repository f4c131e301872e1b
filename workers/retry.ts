/**
 * Retrying a call to a server until it answers: the one backoff of the live
 * services (200 ms, 400 ms, ... up to 5 s between tries, without limit).
 *
 * ```ts
 * await retrying(() => producer.send(...), {
 *   giveUp: (err) => stopped,                 // rethrown at once
 *   onRetry: (err, attempt, waitMs) => log.debug({ err, attempt, waitMs }, 'send failed; retrying'),
 *   signal: halt.signal,                      // a wait in progress ends at once, and the last error is rethrown
 * });
 * ```
 */
export interface RetryPolicy {
  /** an error after which trying again is pointless: it is rethrown */
  giveUp: (err: unknown) => boolean;
  /** told of each failed try before the wait */
  onRetry: (err: unknown, attempt: number, waitMs: number) => void;
  /** aborted: no further try; a wait in progress ends and the last error is rethrown */
  signal?: AbortSignal;
}

export async function retrying<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (policy.giveUp(err) || policy.signal?.aborted) throw err;
      const wait = Math.min(5000, 100 * 2 ** Math.min(n, 6));
      policy.onRetry(err, n, wait);
      await pause(wait, policy.signal);
      if (policy.signal?.aborted) throw err;
    }
  }
}

/** Waits `ms`, or less if `signal` is aborted meanwhile. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
