import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppConfig } from '../config/app-config';
import { EnvKeyProvider, FileKeyProvider, generateKeyFile, Keyring, KeyProvider } from '../crypto';
import { startEmbeddedPostgres } from '../database/embedded-postgres';
import { ensureDatabase, pendingMigrations, runMigrations } from '../database/migrate';
import { checkKeyFingerprints } from './key-check';

export interface PreparedRuntime {
  config: AppConfig;
  databaseUrl: string;
  keyring: Keyring;
  /** True when the database was empty of users and demo data may be seeded. */
  stop: () => Promise<void>;
}

type Say = (message: string) => void;

/** Chooses the key source: explicit file or environment; in development a generated key file with a warning. */
export function keyProvider(config: AppConfig, say: Say): KeyProvider {
  if (config.KEY_FILE) return new FileKeyProvider(config.KEY_FILE);
  if (config.MASTER_KEYS) return new EnvKeyProvider(process.env);
  if (config.isProduction) throw new Error('Production requires KEY_FILE or MASTER_KEYS.');
  const file = path.resolve(config.DATA_DIR, 'keys.json');
  if (!fs.existsSync(file)) {
    generateKeyFile(file);
    say(
      '\n' +
        '!!! WARNING: generated a DEVELOPMENT key file at ' + file + '\n' +
        '!!! It encrypts every personal field. Losing it makes the data unreadable; anyone holding it and the\n' +
        '!!! database can read everything. Never use it in production: set KEY_FILE or MASTER_KEYS (README "Keys").\n',
    );
  }
  return new FileKeyProvider(file);
}

/** Resolves the database (embedded or DATABASE_URL), keys, migrations and the key check — before Nest starts. */
export async function prepareRuntime(config: AppConfig, say: Say): Promise<PreparedRuntime> {
  let databaseUrl: string;
  let stop = async () => undefined as void;
  if (config.DATABASE_URL) {
    databaseUrl = config.DATABASE_URL;
  } else {
    if (config.isProduction) throw new Error('Production requires DATABASE_URL.');
    const cluster = await startEmbeddedPostgres({ dataDir: path.join(config.DATA_DIR, 'pg'), port: config.EMBEDDED_PG_PORT, log: say });
    databaseUrl = await ensureDatabase(cluster.url, 'vcm');
    stop = cluster.stop;
    say(`Embedded PostgreSQL ready on 127.0.0.1:${config.EMBEDDED_PG_PORT} (data in ${path.resolve(config.DATA_DIR, 'pg')}).`);
  }
  try {
    const { keyring, applied } = await loadKeysAndMigrate(config, databaseUrl, say, { migrate: !config.isProduction });
    if (applied.length) say(`Applied ${applied.length} migration(s).`);
    return { config, databaseUrl, keyring, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/**
 * What every entry point does once it has a database: load the keys, migrate (or, in production, refuse to
 * run with pending migrations) and compare the keys with the fingerprints the data was written with.
 */
export async function loadKeysAndMigrate(
  config: AppConfig,
  databaseUrl: string,
  say: Say,
  opts: { migrate: boolean },
): Promise<{ keyring: Keyring; applied: string[] }> {
  const keyring = Keyring.fromMaterial(await keyProvider(config, say).load());
  let applied: string[] = [];
  if (opts.migrate) applied = await runMigrations(databaseUrl);
  else if (await pendingMigrations(databaseUrl)) throw new Error('Pending database migrations: run `npm run migrate` first.');
  await checkKeyFingerprints(databaseUrl, keyring);
  return { keyring, applied };
}
