import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { AppConfig } from '../config/app-config';
import { clientGoneSignal } from './client-gone';
import { Semaphore } from './semaphore';

/**
 * Logins wait for their turn before their body is parsed. A login costs ≈ 0.3–0.5 ms of the event loop to parse,
 * route through the guards and validate before it can queue for a hashing slot; 50 logins arriving at once held a
 * case read sent behind them ≈ 20–30 ms (bench/README.md, session 17). Here an arriving login pays only the
 * request head and this hook, then waits; its body is read, validated and handled when one of the few places
 * next to the hashing slots frees up — so a flood's cost is spread over the time its hashes take anyway.
 *
 * Twice ARGON2_MAX_CONCURRENCY are let through, so the next login is parsed and waiting when a slot frees. A
 * place is released when the answer is sent or the client leaves; a client that leaves while waiting never
 * enters. Beyond the semaphore's queue bound the answer is 429 with Retry-After, as for the hashing queue.
 */
@Injectable()
export class LoginAdmission {
  private readonly places: Semaphore;

  constructor(config: AppConfig) {
    this.places = new Semaphore(2 * config.ARGON2_MAX_CONCURRENCY);
  }

  /** Logins waiting for a place (tests, diagnostics). */
  get waiting(): number {
    return this.places.queued;
  }

  /** A Fastify onRequest hook holding requests to `method path` (the route as registered) until their turn. */
  hook(method: string, path: string) {
    return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
      if (request.method !== method || request.routeOptions.url !== path) return done();
      const answered = new Promise<void>((resolve) => {
        reply.raw.once('finish', resolve);
        reply.raw.once('close', resolve);
      });
      let admitted = false;
      this.places
        .run(() => {
          admitted = true;
          done();
          return answered;
        }, clientGoneSignal(reply.raw))
        .catch((e: Error) => {
          // Refused before entering (queue full, client gone): the error is the answer. Once admitted, the
          // request's own handling answers, and its errors are Fastify's.
          if (!admitted) done(e);
        });
    };
  }
}
