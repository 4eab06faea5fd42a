import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CpuMeter, cpuNote, formatCpu, postmasterPid } from './cpu-usage';

const linux = process.platform === 'linux';

describe('CpuMeter (CPU ms per request from /proc)', () => {
  (linux ? it : it.skip)('charges a busy server its CPU per request, and a sleeping one next to nothing', async () => {
    // Two "servers", booted (Node's own start-up costs CPU too) and waiting for a line on stdin: then one spins
    // for 300 ms of its own CPU time (not wall time: the machine may be busy), the other does nothing.
    const server = (work: string) =>
      spawn(process.execPath, ['-e', `process.stdout.write('ready'); process.stdin.once('data', () => { ${work}; process.stdout.write('done'); setTimeout(() => {}, 5000); })`]);
    const cpuMs = '((u) => (u.user + u.system) / 1000)(process.cpuUsage())';
    const busy = server(`const t = ${cpuMs}; while (${cpuMs} - t < 300);`);
    const idle = server('');
    try {
      const said = (p: typeof busy) => new Promise((r) => p.stdout!.once('data', r));
      await Promise.all([said(busy), said(idle)]);
      const meter = new CpuMeter(undefined);
      const b0 = meter.snapshot(busy.pid);
      const i0 = meter.snapshot(idle.pid);
      const finished = Promise.all([said(busy), said(idle)]);
      busy.stdin!.write('go\n');
      idle.stdin!.write('go\n');
      await finished;
      const busyCost = meter.perRequest(b0, meter.snapshot(busy.pid), 100)!;
      const idleCost = meter.perRequest(i0, meter.snapshot(idle.pid), 100)!;
      // 3 ms per request (300 ms over 100 requests), to the clock tick (10 ms) and a little work around the spin.
      expect(busyCost.server).toBeGreaterThanOrEqual(2.9);
      expect(busyCost.server).toBeLessThan(4);
      expect(idleCost.server).toBeLessThan(0.5);
      expect(busyCost.postgres).toBeUndefined(); // no cluster given
      expect(formatCpu(busyCost)).toMatch(/^cpu\/req \d+\.\d\d \+ gen \d+\.\d\d ms$/);
      expect(cpuNote({ cpu: busyCost }, { cpu: idleCost })).toMatch(/^CPU ms per request: app \d+\.\d\d, baseline \d+\.\d\d$/);
    } finally {
      busy.kill();
      idle.kill();
    }
  });

  it('reports nothing for a process that is gone or a run without requests', () => {
    const meter = new CpuMeter(undefined);
    expect(meter.snapshot(2 ** 22 + 12345)).toBeUndefined();
    expect(meter.perRequest(undefined, undefined, 10)).toBeUndefined();
    expect(cpuNote({}, {})).toBeUndefined();
  });

  it("reads the postmaster's pid from the first line of postmaster.pid", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vcm-cpu-'));
    try {
      expect(postmasterPid(dir)).toBeUndefined();
      writeFileSync(path.join(dir, 'postmaster.pid'), '4242\n/tmp/pg\n1700000000\n5432\n');
      expect(postmasterPid(dir)).toBe(4242);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
