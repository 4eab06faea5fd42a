import { createHmac, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A signed statement "the chain had this head": written outside the database, shipped off-box. */
export interface Checkpoint {
  seq: number;
  mac: string;
  at: string;
  sig: string;
}

const sign = (key: Buffer, seq: number, mac: string, at: string) =>
  createHmac('sha256', key).update(`vcm-audit-checkpoint\u0000${seq}\u0000${mac}\u0000${at}`).digest('hex');

export function makeCheckpoint(key: Buffer, seq: number, mac: Buffer): Checkpoint {
  const at = new Date().toISOString();
  const hex = mac.toString('hex');
  return { seq, mac: hex, at, sig: sign(key, seq, hex, at) };
}

export function checkpointIsAuthentic(key: Buffer, c: Checkpoint): boolean {
  if (typeof c?.seq !== 'number' || typeof c.mac !== 'string' || typeof c.at !== 'string' || typeof c.sig !== 'string') return false;
  const expected = Buffer.from(sign(key, c.seq, c.mac, c.at), 'hex');
  const given = Buffer.from(c.sig, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Appends one line per checkpoint and fsyncs; `-` writes to standard error (a log stream). */
export function appendCheckpoint(target: string, c: Checkpoint): void {
  const line = `${JSON.stringify({ auditCheckpoint: c })}\n`;
  if (target === '-') {
    process.stderr.write(line);
    return;
  }
  fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
  const fd = fs.openSync(target, 'a', 0o600);
  try {
    fs.writeSync(fd, line);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Authentic checkpoints from the file, in order (forged or garbled lines are ignored). */
export function readCheckpoints(target: string, key: Buffer): Checkpoint[] {
  if (target === '-' || !fs.existsSync(target)) return [];
  const out: Checkpoint[] = [];
  for (const line of fs.readFileSync(target, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const c = (JSON.parse(line) as { auditCheckpoint: Checkpoint }).auditCheckpoint;
      if (checkpointIsAuthentic(key, c)) out.push(c);
    } catch {
      /* a torn last line after a crash */
    }
  }
  return out.sort((a, b) => a.seq - b.seq);
}
