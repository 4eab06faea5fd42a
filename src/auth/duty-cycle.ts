import { EventLoopUtilization, EventLoopUtilityFunction as EventLoopUtilizationFn, performance } from 'node:perf_hooks';
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
  /** When the last hash ended and how long it took: the pause after it is decided when the next one asks. */
  private last = { ended: Number.NEGATIVE_INFINITY, took: 0 };

  /**
   * `whileBusy`: a lower duty for while the request path is busy (`isBusy`, e.g. EventLoopLoad). At a quarter of
   * the time hashing still doubled the p99 of case reads paced at half the machine's capacity; at a tenth it
   * stayed within the noise (bench/README.md, session 12). A quiet system keeps the full duty, so a morning's
   * logins are not slowed for nothing.
   */
  constructor(
    private readonly duty: number,
    private readonly clock: PacerClock = realClock,
    private readonly whileBusy?: { duty: number; isBusy: () => boolean },
  ) {
    for (const d of [duty, whileBusy?.duty ?? duty]) if (!(d > 0 && d <= 1)) throw new Error('duty must be in (0, 1]');
  }

  /** The duty that applies now. */
  private currentDuty(): number {
    return this.whileBusy?.isBusy() ? Math.min(this.duty, this.whileBusy.duty) : this.duty;
  }

  /** Runs `work` once its turn comes — unless `signal` aborted meanwhile (nobody waits for the result). */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const wait = this.last.ended + this.last.took * (1 / this.currentDuty() - 1) - this.clock.now();
    if (wait > 0) await this.clock.sleep(wait);
    if (signal?.aborted) throw new ClientGoneError();
    const started = this.clock.now();
    try {
      return await work();
    } finally {
      // A failed hash cost its time too.
      const ended = this.clock.now();
      this.last = { ended, took: ended - started };
    }
  }
}

/**
 * How busy this process's event loop was recently: its utilisation over the last sampling window (Node's
 * `eventLoopUtilization`). Case work shows up here; hashing does not (it runs in its own process).
 */
export class EventLoopLoad {
  private last: EventLoopUtilization;
  private recent = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly windowMs = 500,
    private readonly elu: EventLoopUtilizationFn = performance.eventLoopUtilization,
  ) {
    this.last = this.elu();
  }

  start(): void {
    this.timer ??= setInterval(() => this.sample(), this.windowMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Takes the utilisation since the previous sample (the timer calls it; tests too). */
  sample(): void {
    const now = this.elu();
    this.recent = this.elu(now, this.last).utilization;
    this.last = now;
  }

  /** The share of the last window the event loop spent working (0–1). */
  get utilization(): number {
    return this.recent;
  }
}
