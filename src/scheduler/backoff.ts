/**
 * Exponential backoff with jitter for transient delivery failures: base · 2^(attempt−1), capped,
 * then scaled by a random factor in [0.5, 1] ("equal jitter") so that retries of many messages
 * do not arrive in lockstep.
 */
export function backoffMs(attempt: number, options: { baseMs: number; maxMs: number; random: () => number }): number {
  const exp = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.5 + 0.5 * options.random()));
}
