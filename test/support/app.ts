import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { configureApp, createHttpAdapter } from '../../src/bootstrap/configure-app';
import { checkKeyFingerprints } from '../../src/bootstrap/key-check';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { Keyring, KeyMaterial } from '../../src/crypto';
import { createTestDatabase, dropTestDatabase } from './database';
import { recordRoutes } from './routes';
import type { DestinationStream } from 'pino';

const key = (label: string) => createHash('sha256').update(`vcm-test-key:${label}`).digest();

/** Deterministic keys for tests (never used outside tests). `variant` gives a different, wrong set. */
export function testKeyMaterial(variant = ''): KeyMaterial {
  return {
    keks: new Map([[1, key(`kek-1${variant}`)]]),
    currentKekVersion: 1,
    blindIndexKey: key(`blind${variant}`),
    auditKey: key(`audit${variant}`),
    tokenKey: key(`token${variant}`),
  };
}

export interface TestApp {
  app: NestFastifyApplication;
  http: () => ReturnType<typeof request>;
  config: AppConfig;
  keyring: Keyring;
  databaseUrl: string;
  databaseName: string;
  workDir: string;
  /** Runs SQL as the database owner (tests only). */
  sql: <T = any>(text: string, params?: unknown[]) => Promise<T[]>;
  close: () => Promise<void>;
}

/**
 * The real application (same module, same HTTP configuration as main.ts) on its own cloned database.
 * `env` overrides configuration variables for this app only.
 */
export async function createTestApp(env: Record<string, string> = {}, opts: { logDestination?: DestinationStream } = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const workDir = mkdtempSync(path.join(tmpdir(), 'vcm-app-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATA_DIR: workDir,
    AUDIT_CHECKPOINT_PATH: path.join(workDir, 'audit-checkpoints.log'),
    DB_POOL_SIZE: '10',
    ...env,
  });
  const keyring = Keyring.fromMaterial(testKeyMaterial());
  await checkKeyFingerprints(db.url, keyring);
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot({ config, databaseUrl: db.url, keyring })],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), { bodyParser: false });
  recordRoutes(app);
  await configureApp(app, opts);
  await app.init();
  await app.getHttpAdapter().getInstance().ready(); // supertest talks to the raw server: routes must be in place
  const owner = new Client({ connectionString: db.url });
  await owner.connect();
  return {
    app,
    http: () => request(app.getHttpServer()),
    config,
    keyring,
    databaseUrl: db.url,
    databaseName: db.name,
    workDir,
    sql: async (text, params) => (await owner.query(text, params as unknown[])).rows,
    close: async () => {
      await owner.end();
      await app.close();
      await dropTestDatabase(db.name);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
