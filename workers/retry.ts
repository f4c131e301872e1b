/**
 * Retrying a call to a server until it answers: the one backoff of the live
 * services (200 ms, 400 ms, ... up to 5 s between tries, without limit).
 *
 * ```ts
 * await retrying(() => producer.send(...), {
 *   giveUp: (err) => stopped,                 // rethrown at once
 *   onRetry: (err, attempt, waitMs) => log.warn({ err, attempt, waitMs }, 'send failed; retrying'),
 * });
 * ```
 */
export interface RetryPolicy {
  /** an error after which trying again is pointless: it is rethrown */
  giveUp: (err: unknown) => boolean;
  /** told of each failed try before the wait */
  onRetry: (err: unknown, attempt: number, waitMs: number) => void;
}

export async function retrying<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (policy.giveUp(err)) throw err;
      const wait = Math.min(5000, 100 * 2 ** Math.min(n, 6));
      policy.onRetry(err, n, wait);
      await new Promise((r) => setTimeout(r, wait));
    }
  }
}
