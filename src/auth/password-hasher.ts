import { randomBytes, randomInt } from 'node:crypto';
import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import * as argon2 from 'argon2';
import { AppConfig } from '../config/app-config';
import { Argon2Process } from './argon2-process';
import { ClientGoneError } from './client-gone';
import { DutyCyclePacer, EventLoopLoad } from './duty-cycle';
import { Semaphore } from './semaphore';

/** OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane (≈ 25 ms on the reference machine). */
const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

// No 0/O, 1/l/I: one-time passwords are read aloud and typed from paper.
const OTP_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** 4 groups of 5 characters (≈ 114 bits), e.g. `k7qmx-4rt9p-wzh3n-cAB2d`. */
export function generateOneTimePassword(): string {
  const groups: string[] = [];
  for (let g = 0; g < 4; g++) {
    let s = '';
    for (let i = 0; i < 5; i++) s += OTP_ALPHABET[randomInt(OTP_ALPHABET.length)];
    groups.push(s);
  }
  return groups.join('-');
}

/** Hashing primitives usable only while holding a slot (see `PasswordHasher.withSlot`). */
export interface HashingSlot {
  hash(password: string): Promise<string>;
  /** False for a malformed hash too. `null` verifies against a dummy hash so unknown users cost the same. */
  verify(hash: string | null, password: string): Promise<boolean>;
}

/**
 * The event loop counts as busy — hashing then yields to ARGON2_BUSY_DUTY — above this utilisation: case reads
 * at 500/s put it near 0.3 on 2 vCPUs (by their CPU per request); a login flood alone stays below (the bench's
 * login-only flood kept 7–8 logins/s, the full duty's rate).
 */
const BUSY_UTILIZATION = 0.15;

/**
 * argon2id with a cap on concurrent hashes (ARGON2_MAX_CONCURRENCY) and on the share of time spent hashing
 * (ARGON2_MAX_DUTY; ARGON2_BUSY_DUTY while the event loop is busy with other work — duty-cycle.ts), computed
 * in a separate lowest-priority process (argon2-process.ts) so a login flood cannot take CPU — or the caches —
 * from case work.
 */
@Injectable()
export class PasswordHasher implements OnModuleInit, OnApplicationShutdown {
  private readonly slots: Semaphore;
  private readonly argon2: Argon2Process;
  private readonly pacer: DutyCyclePacer;
  private readonly load = new EventLoopLoad();
  private dummyHash?: Promise<string>;
  private computed = 0;

  constructor(config: AppConfig) {
    this.slots = new Semaphore(config.ARGON2_MAX_CONCURRENCY);
    this.argon2 = new Argon2Process(config.ARGON2_MAX_CONCURRENCY);
    this.pacer = new DutyCyclePacer(config.ARGON2_MAX_DUTY, undefined, {
      duty: config.ARGON2_BUSY_DUTY,
      isBusy: () => this.load.utilization > BUSY_UTILIZATION,
    });
  }

  onApplicationShutdown(): void {
    this.load.stop();
    this.argon2.close();
  }

  /** The hashing process (tests, diagnostics). */
  get hashingPid(): number | undefined {
    return this.argon2.pid;
  }

  /** Prepares the dummy hash at boot so even the first unknown-user login costs one hash, like the others. */
  onModuleInit(): void {
    this.load.start();
    this.dummyHash ??= this.makeDummy();
  }

  private makeDummy(): Promise<string> {
    const dummy = this.argon2.hash(randomBytes(24).toString('base64'), ARGON2_OPTIONS);
    // Handled here (a shutdown during boot must not leave an unhandled rejection); the next use makes a new one.
    dummy.catch(() => {
      if (this.dummyHash === dummy) this.dummyHash = undefined;
    });
    return dummy;
  }

  /**
   * Runs `fn` holding one hashing slot, so checks done inside it see the results of earlier attempts. With a
   * `signal` (the client went away: `clientGoneSignal`), a call still queued — for the slot or for its turn in
   * the duty cycle — ends with ClientGoneError without hashing.
   */
  withSlot<T>(fn: (slot: HashingSlot) => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.slots.run(() => fn(this.slotFor(signal)), signal);
  }

  /** Callers waiting for a hashing slot (diagnostics, tests). */
  get waiting(): number {
    return this.slots.queued;
  }

  /** Hashes computed or verified so far (diagnostics, tests). */
  get hashesComputed(): number {
    return this.computed;
  }

  hash(password: string): Promise<string> {
    return this.withSlot((s) => s.hash(password));
  }

  private slotFor(signal?: AbortSignal): HashingSlot {
    return {
      hash: (password) => this.pacer.run(() => this.count(this.argon2.hash(password, ARGON2_OPTIONS)), signal),
      verify: async (hash, password) => {
        // Made once, lazily, with the same parameters: verifying against it costs what a real verify costs.
        this.dummyHash ??= this.makeDummy();
        const target = hash ?? (await this.dummyHash);
        try {
          const ok = await this.pacer.run(() => this.count(this.argon2.verify(target, password)), signal);
          return ok && hash !== null;
        } catch (e) {
          if (e instanceof ClientGoneError) throw e;
          return false;
        }
      },
    };
  }

  private count<T>(work: Promise<T>): Promise<T> {
    this.computed++;
    return work;
  }
}
