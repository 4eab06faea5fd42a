import type { ThrottlerStorage } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';

interface Counter {
  /** Index of the current fixed window (now / ttl). */
  window: number;
  current: number;
  previous: number;
  blockedUntil: number;
  ttl: number;
}

/**
 * Request throttling storage with O(1) work and memory per client: a sliding-window COUNTER (the count of the
 * current fixed window plus the previous window's count weighted by how much of it still overlaps the
 * sliding window), the approximation nginx and Cloudflare use.
 *
 * Why not the library's default storage: it keeps one expiry timestamp per hit and filters that list on every
 * request — O(hits in the window) of work and garbage per request, per client. Under the benchmark's load
 * (one client, a high limit) a case read's CPU grew from ≈ 1 ms to ≈ 3.6 ms within a minute.
 */
export class WindowCounterStorage implements ThrottlerStorage {
  private readonly counters = new Map<string, Counter>();
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const now = this.now();
    const id = `${throttlerName}\u0000${key}`;
    const window = Math.floor(now / ttl);
    let c = this.counters.get(id);
    if (!c) this.counters.set(id, (c = { window, current: 0, previous: 0, blockedUntil: 0, ttl }));
    if (c.window !== window) {
      c.previous = c.window === window - 1 ? c.current : 0;
      c.current = 0;
      c.window = window;
    }
    this.sweepLater(ttl);
    const timeToExpire = Math.ceil(((window + 1) * ttl - now) / 1000);
    if (c.blockedUntil > now) return this.blocked(c, limit, timeToExpire, now);

    const overlap = 1 - (now - window * ttl) / ttl;
    const estimated = c.previous * overlap + c.current;
    if (estimated + 1 > limit) {
      c.blockedUntil = now + Math.max(blockDuration, 1);
      return this.blocked(c, limit, timeToExpire, now);
    }
    c.current++;
    return { totalHits: Math.ceil(estimated) + 1, timeToExpire, isBlocked: false, timeToBlockExpire: 0 };
  }

  private blocked(c: Counter, limit: number, timeToExpire: number, now: number): ThrottlerStorageRecord {
    return { totalHits: limit + 1, timeToExpire, isBlocked: true, timeToBlockExpire: Math.max(1, Math.ceil((c.blockedUntil - now) / 1000)) };
  }

  /** Forgets clients idle for two windows (and not blocked), so memory follows active clients only. */
  sweep(now = this.now()): void {
    for (const [id, c] of this.counters) {
      if (c.blockedUntil <= now && Math.floor(now / c.ttl) > c.window + 1) this.counters.delete(id);
    }
  }

  get size(): number {
    return this.counters.size;
  }

  private sweepLater(ttl: number): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), Math.max(ttl, 1000));
    this.sweeper.unref();
  }
}
