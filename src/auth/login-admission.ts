import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
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

  /**
   * Puts the wait on the route `method path` alone (as a route-level onRequest hook, when Fastify registers the
   * route), so no other request pays even a check for it. Call before the routes are registered.
   */
  register(fastify: FastifyInstance, method: string, path: string): void {
    fastify.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      if (route.url !== path || !methods.includes(method)) return;
      const own = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
      route.onRequest = [...own, this.waitForTurn];
    });
  }

  private readonly waitForTurn = (_request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
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
