import { ProblemException } from '../common/problem';

/**
 * Caps concurrent work (argon2 hashing). More parallel hashes than cores starve the event loop and every
 * other request; beyond `maxQueue` waiters a caller is told to come back instead of waiting unboundedly.
 */
export class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(
    private readonly max: number,
    private readonly maxQueue = 200,
  ) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) {
      if (this.waiters.length >= this.maxQueue) throw ProblemException.tooManyRequests(1);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
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
}
