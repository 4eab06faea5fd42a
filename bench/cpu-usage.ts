import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * CPU time per request, per process (Linux /proc): a measure this shared, drifting VM cannot blur the way it
 * blurs latency and throughput — a slow phase stretches wall time, not the instructions a request needs (the
 * per-system-call cost of the VM still shows). Sessions 4 and 5 measured it by hand; every run now records it.
 */
export interface CpuPerRequest {
  /** The server under test (the app or the baseline), ms per completed request. */
  server: number;
  /** The PostgreSQL cluster (postmaster and all its backends), ms per request; absent for an external server. */
  postgres?: number;
  /** This process (the load generator), ms per request. */
  generator: number;
}

/** The same processes' CPU time so far, in ms. */
type Snapshot = CpuPerRequest;

let ticksPerSecond: number | undefined;
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime, stime, cutime, cstime and ppid of a process from /proc/<pid>/stat (fields after the command name). */
function stat(pid: number): { own: number; children: number; ppid: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // f[1] = ppid; f[11..14] = utime, stime, cutime, cstime (man 5 proc, fields 14–17).
    return { ppid: Number(f[1]), own: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
  } catch {
    return undefined; // gone (a backend that just exited)
  }
}

const ms = (ticks: number) => (ticks * 1000) / clockTicks();

/** Whole cluster: the postmaster, its live children, and (through cutime/cstime) the children that exited. */
function clusterTicks(postmaster: number): number | undefined {
  const root = stat(postmaster);
  if (!root) return undefined;
  let ticks = root.own + root.children;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s?.ppid === postmaster) ticks += s.own;
  }
  return ticks;
}

/** The postmaster's pid from an embedded cluster's data directory (first line of postmaster.pid). */
export function postmasterPid(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Measures the CPU a run costs per request; `undefined` where /proc is not available. */
export class CpuMeter {
  private readonly enabled = process.platform === 'linux' && existsSync('/proc/self/stat');

  constructor(private readonly postmaster: number | undefined) {}

  snapshot(serverPid: number | undefined): Snapshot | undefined {
    if (!this.enabled || serverPid === undefined) return undefined;
    const server = stat(serverPid);
    if (!server) return undefined;
    const self = process.cpuUsage();
    const postgres = this.postmaster === undefined ? undefined : clusterTicks(this.postmaster);
    return { server: ms(server.own), postgres: postgres === undefined ? undefined : ms(postgres), generator: (self.user + self.system) / 1000 };
  }

  perRequest(before: Snapshot | undefined, after: Snapshot | undefined, requests: number): CpuPerRequest | undefined {
    if (!before || !after || requests <= 0) return undefined;
    const per = (a: number, b: number) => Math.round(((b - a) / requests) * 1000) / 1000;
    return {
      server: per(before.server, after.server),
      ...(before.postgres !== undefined && after.postgres !== undefined ? { postgres: per(before.postgres, after.postgres) } : {}),
      generator: per(before.generator, after.generator),
    };
  }
}

/** `app 1.02 + pg 0.41 + gen 0.15 ms` */
export function formatCpu(c: CpuPerRequest | undefined): string {
  if (!c) return '';
  return `cpu/req ${c.server.toFixed(2)}${c.postgres !== undefined ? ` + pg ${c.postgres.toFixed(2)}` : ''} + gen ${c.generator.toFixed(2)} ms`;
}

/** The row note: what a request cost each process, app side and baseline side. */
export function cpuNote(app: { cpu?: CpuPerRequest }, baseline: { cpu?: CpuPerRequest }): string | undefined {
  if (!app.cpu || !baseline.cpu) return undefined;
  const side = (c: CpuPerRequest) => `${c.server.toFixed(2)}${c.postgres !== undefined ? ` + PostgreSQL ${c.postgres.toFixed(2)}` : ''}`;
  return `CPU ms per request: app ${side(app.cpu)}, baseline ${side(baseline.cpu)}`;
}
