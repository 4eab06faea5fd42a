import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Starts a throwaway PostgreSQL (or uses TEST_DATABASE_URL — never DATABASE_URL) and migrates a template
 * database once; each e2e file clones its own database from it (test/support/database.ts).
 */
export default async function globalSetup(): Promise<void> {
  delete process.env.DATABASE_URL;
  let adminUrl = process.env.TEST_DATABASE_URL;
  const state: Record<string, unknown> = {};
  if (!adminUrl) {
    const dir = mkdtempSync(path.join(tmpdir(), 'vcm-test-'));
    const cluster = await startEmbeddedPostgres({
      dataDir: path.join(dir, 'pg'),
      port: await freePort(),
      settings: { fsync: 'off', full_page_writes: 'off', max_connections: '300' },
    });
    adminUrl = cluster.url;
    state.cluster = cluster;
    state.dir = dir;
  }
  const template = `vcm_tpl_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  await runMigrations(withDatabase(adminUrl, template));
  state.template = template;
  state.adminUrl = adminUrl;
  (globalThis as Record<string, unknown>).__vcmTest = state;
  process.env.VCM_TEST_ADMIN_URL = adminUrl;
  process.env.VCM_TEST_TEMPLATE = template;
}
