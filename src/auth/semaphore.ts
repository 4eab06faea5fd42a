import { ProblemException } from '../common/problem';
import { ClientGoneError } from './client-gone';

/**
 * Caps concurrent work (argon2 hashing). More parallel hashes than cores starve the event loop and every
 * other request; beyond `maxQueue` waiters a caller is told to come back instead of waiting unboundedly.
 * A waiter whose `signal` aborts (its client went away) leaves the queue without ever running.
 */
export class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly max: number,
    private readonly maxQueue = 200,
  ) {}

  /** Callers waiting for a slot (tests, diagnostics). */
  get queued(): number {
    return this.waiters.length;
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new ClientGoneError();
    if (this.active >= this.max) {
      if (this.waiters.length >= this.maxQueue) throw ProblemException.tooManyRequests(1);
      await this.wait(signal);
    } else {
      this.active++;
    }
    try {
      return await fn();
    } finally {
      const next = this.waiters.shift();
      // Hand the slot straight to the next waiter (active stays the same), or free it.
      if (next) next();
      else this.active--;
    }
  }

  private wait(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const i = this.waiters.indexOf(granted);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new ClientGoneError());
      };
      const granted = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiters.push(granted);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
