import { createHmac, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** A signed statement "the chain had this head": written outside the database, shipped off-box. */
export interface Checkpoint {
  seq: number;
  /** hex of the head's MAC */
  mac: string;
  at: string;
  sig: string;
}

// Domain-separated from the chain MACs, which use the same key over different bytes.
const sign = (key: Buffer, seq: number, mac: string, at: string) =>
  createHmac('sha256', key).update(`vcm-audit-checkpoint\u0000${seq}\u0000${mac}\u0000${at}`).digest('hex');

export function makeCheckpoint(key: Buffer, seq: number, mac: Buffer, at = new Date()): Checkpoint {
  const hex = mac.toString('hex');
  const iso = at.toISOString();
  return { seq, mac: hex, at: iso, sig: sign(key, seq, hex, iso) };
}

export function checkpointIsAuthentic(key: Buffer, c: Checkpoint): boolean {
  if (!Number.isSafeInteger(c?.seq) || typeof c.mac !== 'string' || typeof c.at !== 'string' || typeof c.sig !== 'string') return false;
  const expected = Buffer.from(sign(key, c.seq, c.mac, c.at), 'hex');
  const given = Buffer.from(c.sig, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const checkpointLine = (c: Checkpoint) => `${JSON.stringify({ auditCheckpoint: c })}\n`;

/**
 * Appends one line per checkpoint and fsyncs it before returning; `-` writes to standard error (a log
 * stream the platform ships). O_APPEND keeps lines of concurrent writers (replicas) whole.
 */
export async function appendCheckpoint(target: string, c: Checkpoint): Promise<void> {
  const line = checkpointLine(c);
  if (target === '-') {
    await new Promise<void>((resolve) => process.stderr.write(line, () => resolve()));
    return;
  }
  await fs.mkdir(path.dirname(path.resolve(target)), { recursive: true });
  const file = await fs.open(target, 'a', 0o600);
  try {
    await file.write(line);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Authentic checkpoints from checkpoint lines (other log lines, forgeries and torn lines are ignored), by seq. */
export function parseCheckpoints(text: string, key: Buffer): Checkpoint[] {
  const out: Checkpoint[] = [];
  for (const line of text.split('\n')) {
    if (!line.includes('"auditCheckpoint"')) continue;
    try {
      const c = (JSON.parse(line) as { auditCheckpoint: Checkpoint }).auditCheckpoint;
      if (checkpointIsAuthentic(key, c)) out.push(c);
    } catch {
      /* a torn last line after a crash */
    }
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** Checkpoints from the file; none when they go to stderr (then incremental verification is a full one). */
export async function readCheckpoints(target: string, key: Buffer): Promise<Checkpoint[]> {
  if (target === '-') return [];
  try {
    return parseCheckpoints(await fs.readFile(target, 'utf8'), key);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
