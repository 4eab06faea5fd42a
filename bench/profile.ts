import { readFileSync } from 'node:fs';

/** Summaries of V8 .cpuprofile files (self time by function and by package), for bench/README.md. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  /** Sampled time that was not idle, ms. */
  busyMs: number;
  wallMs: number;
  top: Array<{ name: string; selfMs: number; pct: number }>;
  byPackage: Array<{ name: string; selfMs: number; pct: number }>;
}

/** Where a frame's code comes from: a package, node internals, the app (src/…), GC, native … */
function packageOf(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const src = url.indexOf('/dist/');
  return src >= 0 ? url.slice(src + 6).split('/').slice(0, 2).join('/') : url;
}

export function summarizeProfile(file: string, topN = 15): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
  const fn = new Map<string, number>();
  const pkg = new Map<string, number>();
  let busy = 0;
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    busy += ms;
    const short = url ? `${url.replace(/^.*\/(node_modules|dist)\//, '')}:${lineNumber + 1}` : '';
    const name = `${functionName || '(anonymous)'}${short ? ` ${short}` : ''}`;
    fn.set(name, (fn.get(name) ?? 0) + ms);
    const k = packageOf(url, functionName);
    pkg.set(k, (pkg.get(k) ?? 0) + ms);
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, topN)
      .map(([name, ms]) => ({ name, selfMs: Math.round(ms), pct: Math.round((1000 * ms) / Math.max(busy, 1)) / 10 }));
  return { busyMs: Math.round(busy), wallMs: Math.round((p.endTime - p.startTime) / 1000), top: rank(fn), byPackage: rank(pkg) };
}

export function profileMarkdown(label: string, s: ProfileSummary): string {
  const lines = [
    `### ${label}`,
    '',
    `CPU busy ${s.busyMs} ms of ${s.wallMs} ms wall (${Math.round((100 * s.busyMs) / Math.max(1, s.wallMs))} % of one core).`,
    '',
    '| self time by package | ms | % |',
    '|---|---|---|',
    ...s.byPackage.map((r) => `| ${r.name} | ${r.selfMs} | ${r.pct} |`),
    '',
    '| self time by function | ms | % |',
    '|---|---|---|',
    ...s.top.map((r) => `| \`${r.name.replace(/\|/g, '\\|')}\` | ${r.selfMs} | ${r.pct} |`),
    '',
  ];
  return lines.join('\n');
}
