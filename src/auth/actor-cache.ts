import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Notification, Pool } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';

/** The channel the database announces user/session/agency changes on (migration AuthChangeNotifications). */
export const AUTH_CHANGED_CHANNEL = 'vcm_auth_changed';

interface Entry<T> {
  value: T;
  userId: string;
  sessionId: string;
  expires: number;
}

/**
 * What the auth guard read about (user, session), kept for a few seconds — and ONLY while this process hears
 * the database's change notifications. Correctness does not rest on the TTL:
 * - every UPDATE/DELETE of a user or a session (and any agency change) fires NOTIFY in the database, and the
 *   listener drops the user's entries when it arrives (within milliseconds of the commit, on every instance);
 * - changes made by this process are also forgotten synchronously right after their commit (`forgetUser` /
 *   `forgetSession`), so logout, deactivation and password changes take effect on the very next request here;
 * - a lookup that was running while anything was forgotten is not stored (generation check), so a row read
 *   before a commit can never be cached after the invalidation that followed it;
 * - while the listener is not connected, nothing is cached or served from the cache: every request reads the
 *   database, as without the cache.
 * The guard still checks active / revoked / token version on every request; only the read is saved.
 */
export class ActorCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private generation = 0;
  private listening = false;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.listening && this.ttlMs > 0;
  }

  async lookup(userId: string, sessionId: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const key = `${userId}|${sessionId}`;
    if (this.enabled) {
      const hit = this.entries.get(key);
      if (hit && hit.expires > this.now()) return hit.value;
    }
    const generation = this.generation;
    const value = await load();
    if (value !== undefined && this.enabled && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.clear();
      this.entries.set(key, { value, userId, sessionId, expires: this.now() + this.ttlMs });
    }
    return value;
  }

  forgetUser(userId: string): void {
    this.generation++;
    for (const [key, e] of this.entries) if (e.userId === userId) this.entries.delete(key);
  }

  forgetSession(sessionId: string): void {
    this.generation++;
    for (const [key, e] of this.entries) if (e.sessionId === sessionId) this.entries.delete(key);
  }

  forgetAll(): void {
    this.generation++;
    this.entries.clear();
  }

  /** The listener is (dis)connected: either way, anything cached so far may have missed a notification. */
  setListening(on: boolean): void {
    this.listening = on;
    this.forgetAll();
  }

  /** Applies one notification payload: a user id, or '*' for everything. */
  notified(payload: string | undefined): void {
    if (!payload || payload === '*') this.forgetAll();
    else this.forgetUser(payload);
  }
}

/** What a listener connection needs of a pg.Client. */
export interface ListenerClient {
  connect(): Promise<void>;
  query(sql: string): Promise<unknown>;
  on(event: 'notification', listener: (n: Notification) => void): unknown;
  on(event: 'error' | 'end', listener: (e?: Error) => void): unknown;
  end(): Promise<void>;
}

/**
 * Owns the process's ActorCache and its LISTEN connection (its own connection, outside the pool, like the
 * audit writer's), reconnecting with backoff; the cache is off whenever the connection is not listening.
 * AUTH_CACHE_TTL_MS=0 turns the cache off entirely (every request reads the database).
 */
@Injectable()
export class ActorCacheService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AuthCache');
  readonly cache: ActorCache<unknown>;
  private client?: ListenerClient;
  private retry?: NodeJS.Timeout;
  private backoffMs = 500;
  private stopped = false;

  private readonly ttlMs: number;

  constructor(@InjectDataSource() private readonly db: DataSource, config: AppConfig) {
    this.ttlMs = config.AUTH_CACHE_TTL_MS;
    this.cache = new ActorCache(this.ttlMs);
  }

  onModuleInit(): void {
    if (this.ttlMs > 0) void this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.cache.setListening(false);
    await this.client?.end().catch(() => undefined);
  }

  lookup<T>(userId: string, sessionId: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    return (this.cache as ActorCache<T>).lookup(userId, sessionId, load);
  }

  forgetUser(userId: string): void {
    this.cache.forgetUser(userId);
  }

  forgetSession(sessionId: string): void {
    this.cache.forgetSession(sessionId);
  }

  /** For tests and health: is the cache in use right now? */
  get active(): boolean {
    return this.cache.enabled;
  }

  private async listen(): Promise<void> {
    const pool = (this.db.driver as unknown as { master: Pool & { Client: new (o: object) => ListenerClient; options: object } }).master;
    const client = new pool.Client({ ...pool.options, application_name: 'vcm-auth-listener' });
    const lost = () => {
      if (this.client !== client) return;
      this.client = undefined;
      this.cache.setListening(false);
      client.end().catch(() => undefined);
      this.scheduleRetry();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => this.cache.notified(n.payload));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${AUTH_CHANGED_CHANNEL}`);
      if (this.stopped || this.client !== client) return;
      this.cache.setListening(true);
      this.backoffMs = 500;
    } catch (e) {
      this.logger.warn({ err: { name: (e as Error)?.name, code: (e as { code?: string })?.code } }, 'auth change listener not connected; the auth cache is off until it is');
      lost();
    }
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.listen(), this.backoffMs);
    this.retry.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, 30_000);
  }
}
