import { performance } from 'node:perf_hooks';
import { ClientGoneError } from './client-gone';

export interface PacerClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const realClock: PacerClock = { now: () => performance.now(), sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };

/**
 * Keeps password hashing to a share of wall-clock time (ARGON2_MAX_DUTY): after a hash that took t, the next
 * one starts no sooner than t × (1/duty − 1) later. A quiet system never waits (logins are rare); a login
 * flood queues instead of keeping a core busy hashing.
 *
 * Why, on top of SCHED_IDLE and the concurrency cap: a hashing process that always has work still slows the
 * request path on a small machine — argon2id's 19 MiB working set evicts the caches PostgreSQL and the event
 * loop need, which no scheduling priority prevents. Measured at 1,000 case reads/s on 2 vCPUs: a continuous
 * SCHED_IDLE argon2id loop raised the read p99 2.8×, the same loop at a quarter of the time 1.06×
 * (bench/README.md, session 5).
 */
export class DutyCyclePacer {
  private nextStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly duty: number,
    private readonly clock: PacerClock = realClock,
  ) {
    if (!(duty > 0 && duty <= 1)) throw new Error('duty must be in (0, 1]');
  }

  /** Runs `work` once its turn comes — unless `signal` aborted meanwhile (nobody waits for the result). */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const wait = this.nextStart - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
    if (signal?.aborted) throw new ClientGoneError();
    const started = this.clock.now();
    try {
      return await work();
    } finally {
      // A failed hash cost its time too.
      const ended = this.clock.now();
      this.nextStart = ended + (ended - started) * (1 / this.duty - 1);
    }
  }
}
