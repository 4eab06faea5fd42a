import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadKeysAndMigrate } from '../bootstrap/prepare-runtime';
import { AppConfig } from '../config/app-config';
import { Keyring } from '../crypto';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { ensureDatabase } from '../database/migrate';

export interface CliRuntime {
  config: AppConfig;
  databaseUrl: string;
  keyring: Keyring;
  /** Migrations applied while opening. */
  applied: string[];
  stop: () => Promise<void>;
}

type Say = (message: string) => void;

/**
 * If `npm start` is running on the embedded cluster, the CLI connects to that server instead of starting
 * (or "recovering") it — starting it again would stop the running app's database.
 */
function runningEmbeddedUrl(dataDir: string): string | null {
  const pgData = path.resolve(dataDir, 'pg');
  const pidFile = path.join(pgData, 'postmaster.pid');
  const clusterFile = path.join(path.dirname(pgData), 'embedded-pg.json');
  if (!fs.existsSync(pidFile) || !fs.existsSync(clusterFile)) return null;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return null;
  try {
    process.kill(pid, 0);
    if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(pgData)) return null;
  } catch {
    return null;
  }
  const { password } = JSON.parse(fs.readFileSync(clusterFile, 'utf8')) as { password: string };
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

/**
 * Connects the way the app does (DATABASE_URL, else the embedded cluster in DATA_DIR), loads the keys and
 * runs the key check. Migrations: applied when asked (`migrate`) or outside production (like `npm start`);
 * in production other commands refuse to run on a database with pending migrations.
 */
export async function openCliRuntime(config: AppConfig, say: Say, opts: { migrate: boolean }): Promise<CliRuntime> {
  let databaseUrl: string;
  let stop = async () => undefined as void;
  if (config.DATABASE_URL) {
    databaseUrl = config.DATABASE_URL;
  } else {
    if (config.isProduction) throw new Error('Production requires DATABASE_URL.');
    const running = runningEmbeddedUrl(config.DATA_DIR);
    if (running) {
      databaseUrl = await ensureDatabase(running, 'vcm');
    } else {
      const cluster = await startEmbeddedPostgres({ dataDir: path.join(config.DATA_DIR, 'pg'), port: config.EMBEDDED_PG_PORT, log: say });
      stop = cluster.stop;
      databaseUrl = await ensureDatabase(cluster.url, 'vcm');
    }
  }
  try {
    const { keyring, applied } = await loadKeysAndMigrate(config, databaseUrl, say, { migrate: opts.migrate || !config.isProduction });
    return { config, databaseUrl, keyring, applied, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
