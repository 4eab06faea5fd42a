import { appendFileSync, closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Pool } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';

/**
 * `--explain`: the embedded cluster runs with pg_stat_statements and auto_explain (ANALYZE, BUFFERS, sampled),
 * so the report shows the plans of the statements the REAL app sent under load — not hand-copied SQL that may
 * drift from the code. Numbers measured in this mode carry the instrumentation's overhead: use them to find
 * causes, not to judge budgets.
 */
export const EXPLAIN_SETTINGS: Record<string, string> = {
  shared_preload_libraries: 'pg_stat_statements,auto_explain',
  'pg_stat_statements.track': 'top',
  'auto_explain.log_min_duration': '0',
  'auto_explain.log_analyze': 'on',
  'auto_explain.log_buffers': 'on',
  'auto_explain.log_timing': 'on',
  'auto_explain.sample_rate': '0.02',
  // Plans without their parameter values (ciphertexts, audit rows: long, and none of the report's business).
  'auto_explain.log_parameter_max_length': '0',
};

// embedded-postgres is ESM-only: a real dynamic import (this project compiles to CommonJS).
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

/**
 * The embedded cluster with the explain settings, its server log captured to `logFile`. The app's
 * startEmbeddedPostgres keeps only the last lines of the server log and a logging collector would hide the
 * "ready" message it waits for, so: initialise/recover through the app's function, stop, and start the same
 * data directory again with our own log sink.
 */
export async function startExplainCluster(dataDir: string, port: number, settings: Record<string, string>, logFile: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const first = await startEmbeddedPostgres({ dataDir, port, settings: { shared_buffers: settings.shared_buffers ?? '128MB' } });
  await first.stop();
  const { password } = JSON.parse(readFileSync(path.join(path.dirname(path.resolve(dataDir)), 'embedded-pg.json'), 'utf8')) as { password: string };
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const all = { listen_addresses: '127.0.0.1', unix_socket_directories: '', ...settings };
  const pg = new EmbeddedPostgres({
    databaseDir: path.resolve(dataDir),
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: typeof process.getuid === 'function' && process.getuid() === 0,
    postgresFlags: Object.entries(all).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    onLog: (m: string) => appendFileSync(logFile, m),
    onError: (m: unknown) => appendFileSync(logFile, String(m)),
  });
  await pg.start();
  return { url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`, stop: () => pg.stop() };
}

export class ExplainRecorder {
  private offset = 0;
  constructor(private readonly pool: Pool, private readonly logFile: string) {}

  async init(): Promise<void> {
    await this.pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  }

  /** Start of a scenario: forget earlier statistics and log lines. */
  async mark(): Promise<void> {
    await this.pool.query('SELECT pg_stat_statements_reset()');
    this.offset = existsSync(this.logFile) ? statSync(this.logFile).size : 0;
  }

  /** End of a scenario: the top statements by total time, and a sampled plan of each. */
  async report(label: string): Promise<string> {
    const { rows } = await this.pool.query(
      `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 400) AS query, calls, round(mean_exec_time::numeric, 3) AS mean_ms,
              round(total_exec_time::numeric, 1) AS total_ms, rows, shared_blks_hit AS hit, shared_blks_read AS read
         FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time DESC LIMIT 8`,
    );
    const plans = this.plansSinceMark();
    const out = [`### ${label}`, '', '| statement | calls | mean ms | total ms | rows | blks hit | blks read |', '|---|---|---|---|---|---|---|'];
    for (const r of rows) out.push(`| \`${String(r.query).replace(/\|/g, '\\|').slice(0, 160)}\` | ${r.calls} | ${r.mean_ms} | ${r.total_ms} | ${r.rows} | ${r.hit} | ${r.read} |`);
    out.push('');
    const ranked = [...plans.values()].sort((a, b) => b.totalMs - a.totalMs).slice(0, 6);
    for (const p of ranked) {
      out.push(`Sampled ${p.count}× (mean ${(p.totalMs / p.count).toFixed(3)} ms), slowest sample: \`${p.query.slice(0, 200)}\``, '', '```', p.slowestPlan.trim().split('\n').slice(0, 40).join('\n'), '```', '');
    }
    return out.join('\n');
  }

  private plansSinceMark(): Map<string, { query: string; count: number; totalMs: number; slowestMs: number; slowestPlan: string }> {
    const plans = new Map<string, { query: string; count: number; totalMs: number; slowestMs: number; slowestPlan: string }>();
    if (!existsSync(this.logFile)) return plans;
    const size = statSync(this.logFile).size;
    const fd = openSync(this.logFile, 'r');
    const buf = Buffer.alloc(Math.max(0, size - this.offset));
    readSync(fd, buf, 0, buf.length, this.offset);
    closeSync(fd);
    const entries = buf.toString('utf8').split(/\n(?=\S)/);
    for (const e of entries) {
      const m = /duration: ([\d.]+) ms\s+plan:\n([\s\S]*)/.exec(e);
      if (!m) continue;
      const ms = Number(m[1]);
      const body = m[2].replace(/^\t/gm, '');
      const q = /Query Text: ([\s\S]*?)\n(?=\S)/.exec(body);
      const query = (q?.[1] ?? '?').replace(/\s+/g, ' ').trim();
      const plan = q ? body.slice(q.index + q[0].length) : body;
      const key = query.slice(0, 300);
      const cur = plans.get(key) ?? { query, count: 0, totalMs: 0, slowestMs: -1, slowestPlan: '' };
      cur.count++;
      cur.totalMs += ms;
      if (ms > cur.slowestMs) {
        cur.slowestMs = ms;
        cur.slowestPlan = plan;
      }
      plans.set(key, cur);
    }
    return plans;
  }
}
