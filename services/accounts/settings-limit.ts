// The throttle as the settings use it: a refusal message over the limit, otherwise the try counted.
import { retryMessage, type Throttle } from '../auth/throttle.ts';

export function limited(throttle: Throttle, key: string, limit: { max: number; windowSeconds: number }): string | null {
  const verdict = throttle.check(key, limit);
  if (!verdict.allowed) return retryMessage(verdict.retryAfterSeconds);
  throttle.hit(key);
  return null;
}
