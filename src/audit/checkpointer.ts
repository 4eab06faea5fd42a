import { appendCheckpoint, makeCheckpoint } from './checkpoints';

export interface Head {
  seq: number;
  mac: Buffer;
}

export interface CheckpointerOptions {
  key: Buffer;
  target: string;
  /** Write after this many events appended by this process (AUDIT_CHECKPOINT_EVERY). */
  every: number;
  /** And at most this often while there were new events. */
  intervalMs: number;
  /** The committed head of the chain. */
  readHead: () => Promise<Head>;
  onError: (e: Error) => void;
}

/**
 * Decides when to write a signed checkpoint of the head: every N events, every few seconds while events
 * arrive, and on shutdown. Concurrent triggers share one write; nothing is written while the chain is idle.
 */
export class Checkpointer {
  private pending = 0;
  private lastSeq = 0;
  private inFlight?: Promise<void>;
  private timer?: NodeJS.Timeout;

  constructor(private readonly o: CheckpointerOptions) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.pending > 0) void this.write();
    }, this.o.intervalMs);
    this.timer.unref(); // never keeps a CLI or test process alive
  }

  stop(): void {
    clearInterval(this.timer);
  }

  noteAppended(n: number): void {
    this.pending += n;
    if (this.pending >= this.o.every) void this.write();
  }

  /**
   * Writes a checkpoint of the committed head unless the last one already covers it. Never rejects.
   * Triggers during a write share it; if N more events arrived meanwhile, another follows (after a success
   * only, so a failing disk is not retried in a hot loop — the interval retries it).
   */
  write(): Promise<void> {
    this.inFlight ??= this.writeNow().then(
      () => {
        this.inFlight = undefined;
        if (this.pending >= this.o.every) void this.write();
      },
      (e: Error) => {
        this.inFlight = undefined;
        this.o.onError(e);
      },
    );
    return this.inFlight;
  }

  /** Shutdown: stop the timer and vouch for this process's events not yet covered (others vouch for theirs). */
  async close(): Promise<void> {
    this.stop();
    if (this.pending > 0) await this.flush();
  }

  /** A checkpoint covering everything committed before this call. */
  async flush(): Promise<void> {
    await this.inFlight;
    await this.write();
  }

  private async writeNow(): Promise<void> {
    const counted = this.pending;
    const head = await this.o.readHead();
    if (head.seq > this.lastSeq) {
      await appendCheckpoint(this.o.target, makeCheckpoint(this.o.key, head.seq, head.mac));
      this.lastSeq = head.seq;
    }
    this.pending = Math.max(0, this.pending - counted);
  }
}
