import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import type { CpuPerRequest } from './cpu-usage';
import { RawHttpPool } from './raw-http-client';

/**
 * Load generators of the benchmark.
 *
 * - `closedLoop`: autocannon, N connections, each sends its next request when the previous answer arrives —
 *   the right tool for throughput (req/s at saturation).
 * - `paced`: an OPEN-loop generator for latency. Request i is due at t0 + i/rate whatever the server does;
 *   its latency is measured from that due time (not from when a socket happened to be free), so a slow server
 *   cannot slow the load down and hide its own queueing (no coordinated omission). autocannon's `overallRate`
 *   is not used for this: it gives each connection a per-second budget and lets it fire that budget
 *   back-to-back at the start of every second (bursts of `connections` requests, then silence), which measures
 *   the burst, not the rate (see bench/README.md, "Why a pacer").
 */

export interface RequestSpec {
  method?: 'GET' | 'POST' | 'PATCH';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Produces the i-th request of a run (rotating ids, bodies, client addresses …). */
export type RequestSource = (i: number) => RequestSpec;

export interface LoadResult {
  /** Successful (2xx) responses per second over the measured interval. */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Requests completed / sent. */
  completed: number;
  sent: number;
  /** Responses that were not 2xx, by status, and transport errors/timeouts. */
  statuses: Record<string, number>;
  errors: number;
  /** Paced runs: the rate asked for, and the latest a request was dispatched after its due time (ms). */
  targetRate?: number;
  dispatchLagMs?: number;
  maxInFlight?: number;
  /** CPU ms per request of the server, PostgreSQL and the generator (set by run.ts on Linux). */
  cpu?: CpuPerRequest;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[idx];
}

/** Closed loop with autocannon: `connections` clients, each waiting for its answer before the next request. */
export async function closedLoop(base: string, source: RequestSource, opts: { connections: number; duration: number }): Promise<LoadResult> {
  let i = 0;
  const first = source(0);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(
      {
        url: base,
        connections: opts.connections,
        duration: opts.duration,
        timeout: 30,
        requests: [
          {
            method: first.method ?? 'GET',
            path: first.path,
            setupRequest: (req: autocannon.Request) => {
              const spec = source(i++);
              return { ...req, method: spec.method ?? 'GET', path: spec.path, headers: spec.headers ?? {}, body: spec.body } as autocannon.Request;
            },
          },
        ],
      } as autocannon.Options,
      (err: Error | null, res: autocannon.Result) => (err ? reject(err) : resolve(res)),
    );
  });
  const statuses: Record<string, number> = {};
  for (const [code, v] of Object.entries((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})) {
    if (!code.startsWith('2')) statuses[code] = v.count;
  }
  const ok = result['2xx'];
  return {
    rps: Math.round(ok / result.duration),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    completed: result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'],
    sent: result.requests.sent,
    statuses,
    errors: result.errors,
  };
}

/**
 * Closed loop on the paced generator's raw client (bench/raw-http-client.ts): `connections` clients, each sending
 * its next request when the previous answer arrives; at `duration` s the connections are closed and requests
 * still waiting are dropped (as autocannon does). For the login flood, which runs in the SAME process as the
 * paced reads whose latency it disturbs: autocannon held that event loop ≈ 40 ms when it started and then cost
 * ≈ 85 ms of CPU per second for 2 logins/s (session 15) — dispatch delay the paced generator counted as server
 * latency. This client costs next to nothing while its requests wait.
 */
export async function closedLoopRaw(base: string, source: RequestSource, opts: { connections: number; duration: number; timeoutMs?: number }): Promise<LoadResult> {
  const url = new URL(base);
  const pool = new RawHttpPool(url.hostname, Number(url.port || 80), { maxSockets: opts.connections, timeoutMs: opts.timeoutMs ?? 30000 });
  await pool.preconnect(opts.connections);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let sent = 0;
  let ok = 0;
  let errors = 0;
  let i = 0;
  let stopped = false;
  const t0 = performance.now();
  const next = () => {
    if (stopped) return;
    const spec = source(i++);
    const bytes = pool.build({ method: spec.method ?? 'GET', path: spec.path, headers: spec.headers ?? {}, body: spec.body === undefined ? undefined : Buffer.from(spec.body) });
    const start = performance.now();
    sent++;
    pool.request(bytes, (status) => {
      if (stopped) return; // closed at the end of the run: not an answer
      latencies.push(performance.now() - start);
      if (status === 'error') errors++;
      else if (status >= 200 && status < 300) ok++;
      else statuses[status] = (statuses[status] ?? 0) + 1;
      next();
    });
  };
  for (let c = 0; c < opts.connections; c++) next();
  await new Promise((resolve) => setTimeout(resolve, opts.duration * 1000));
  stopped = true;
  pool.close();
  const elapsed = (performance.now() - t0) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: Math.round(ok / elapsed),
    p50: round(percentile(sorted, 0.5)),
    p90: round(percentile(sorted, 0.9)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
    completed: latencies.length - errors,
    sent,
    statuses,
    errors,
  };
}

/**
 * Open loop at `rate` requests/s for `duration` s. Sockets are taken from a keep-alive pool as needed (up to
 * `maxSockets`), so concurrency grows when the server slows down — as it does with real, independent clients.
 * Requests go through `RawHttpPool` (bench/raw-http-client.ts): node's http client would spend a sixth of a core
 * of the machine under test at 1,000 req/s.
 */
export async function paced(base: string, source: RequestSource, opts: { rate: number; duration: number; maxSockets?: number; timeoutMs?: number }): Promise<LoadResult> {
  const url = new URL(base);
  const pool = new RawHttpPool(url.hostname, Number(url.port || 80), { maxSockets: opts.maxSockets ?? 1024, timeoutMs: opts.timeoutMs ?? 15000 });
  // Clients already connected, as independent long-lived clients would be (≈ 20 ms of concurrency at the rate).
  await pool.preconnect(Math.min(opts.maxSockets ?? 1024, Math.max(4, Math.ceil(opts.rate / 50))));
  const total = Math.max(1, Math.round(opts.rate * opts.duration));
  const interval = 1000 / opts.rate;
  const latencies = new Float64Array(total);
  const statuses: Record<string, number> = {};
  let sent = 0;
  let done = 0;
  let ok = 0;
  let errors = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let lag = 0;
  let lastOkAt = 0;

  const t0 = performance.now() + 5;
  await new Promise<void>((resolveAll) => {
    const fire = (n: number) => {
      const due = t0 + n * interval;
      lag = Math.max(lag, performance.now() - due);
      const spec = source(n);
      const bytes = pool.build({ method: spec.method ?? 'GET', path: spec.path, headers: spec.headers ?? {}, body: spec.body === undefined ? undefined : Buffer.from(spec.body) });
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      pool.request(bytes, (status) => {
        const end = performance.now();
        latencies[n] = end - due;
        if (status === 'error') errors++;
        else if (status >= 200 && status < 300) {
          ok++;
          lastOkAt = end;
        } else statuses[status] = (statuses[status] ?? 0) + 1;
        done++;
        inFlight--;
        if (done === total) resolveAll();
      });
    };
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
      while (sent < due) fire(sent++);
      if (sent < total) setTimeout(tick, Math.max(0, Math.min(1, t0 + sent * interval - performance.now())));
    };
    setTimeout(tick, 5);
  });
  pool.close();
  const sorted = latencies.slice(0, total).sort();
  const span = Math.max(opts.duration * 1000, lastOkAt - t0);
  return {
    rps: Math.round(ok / (span / 1000)),
    p50: round(percentile(sorted, 0.5)),
    p90: round(percentile(sorted, 0.9)),
    p99: round(percentile(sorted, 0.99)),
    max: round(sorted[sorted.length - 1]),
    completed: done - errors,
    sent,
    statuses,
    errors,
    targetRate: opts.rate,
    dispatchLagMs: round(lag),
    maxInFlight,
  };
}

/** Share of requests that did not get a 2xx answer. */
export function failureShare(r: LoadResult): number {
  const bad = r.errors + Object.values(r.statuses).reduce((a, b) => a + b, 0);
  return r.sent ? bad / r.sent : 0;
}
