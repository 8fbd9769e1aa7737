/**
 * A token bucket per client address: `burst` requests at once, refilled at
 * `perSecond`. Idle full buckets are dropped so the table stays small.
 */
export interface RateLimitOptions {
  burst: number;
  perSecond: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const MAX_CLIENTS = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly opts: RateLimitOptions, private readonly now: () => number = () => performance.now()) {}

  /** Take one token; false: over the limit (answer 429). */
  take(client: string): boolean {
    const t = this.now();
    let b = this.buckets.get(client);
    if (!b) {
      if (this.buckets.size >= MAX_CLIENTS) this.prune(t);
      b = { tokens: this.opts.burst, at: t };
      this.buckets.set(client, b);
    } else {
      b.tokens = Math.min(this.opts.burst, b.tokens + ((t - b.at) / 1000) * this.opts.perSecond);
      b.at = t;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Seconds until the client has a token again. */
  retryAfter(client: string): number {
    const b = this.buckets.get(client);
    return b ? Math.max(1, Math.ceil((1 - b.tokens) / this.opts.perSecond)) : 0;
  }

  private prune(t: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((t - b.at) / 1000) * this.opts.perSecond >= this.opts.burst) this.buckets.delete(k);
    }
  }
}
