import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Checkpointer, Head } from './checkpointer';
import { appendCheckpoint, checkpointIsAuthentic, checkpointLine, makeCheckpoint, parseCheckpoints, readCheckpoints } from './checkpoints';

const key = Buffer.alloc(32, 1);
const mac = (n: number) => Buffer.alloc(32, n);

/** A fresh directory for checkpoint files, removed when the file's tests end. */
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vcm-cp-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('checkpoints', () => {
  it('are HMAC-signed: any changed field or another key fails', () => {
    const c = makeCheckpoint(key, 12, mac(3));
    expect(checkpointIsAuthentic(key, c)).toBe(true);
    expect(checkpointIsAuthentic(Buffer.alloc(32, 2), c)).toBe(false);
    expect(checkpointIsAuthentic(key, { ...c, seq: 13 })).toBe(false);
    expect(checkpointIsAuthentic(key, { ...c, mac: mac(4).toString('hex') })).toBe(false);
    expect(checkpointIsAuthentic(key, { ...c, sig: 'ab' })).toBe(false);
  });

  it('are read back in seq order; other log lines, forgeries and a torn last line are ignored', () => {
    const a = makeCheckpoint(key, 5, mac(1));
    const b = makeCheckpoint(key, 9, mac(2));
    const forged = { ...makeCheckpoint(key, 50, mac(9)), sig: makeCheckpoint(Buffer.alloc(32), 50, mac(9)).sig };
    const text = [checkpointLine(b), '{"level":30,"msg":"hello"}\n', checkpointLine(forged), checkpointLine(a), checkpointLine(a).slice(0, 30)].join('');
    expect(parseCheckpoints(text, key).map((c) => c.seq)).toEqual([5, 9]);
  });

  it('append to a file with fsync (creating its directory); none are read from stderr or a missing file', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'sub', 'checkpoints.log');
    expect(await readCheckpoints(file, key)).toEqual([]);
    await appendCheckpoint(file, makeCheckpoint(key, 1, mac(1)));
    await appendCheckpoint(file, makeCheckpoint(key, 2, mac(2)));
    expect((await readCheckpoints(file, key)).map((c) => c.seq)).toEqual([1, 2]);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(await readCheckpoints('-', key)).toEqual([]);
  });
});

describe('Checkpointer', () => {
  function setup(every = 3) {
    const dir = tempDir();
    const target = path.join(dir, 'cp.log');
    writeFileSync(target, '');
    const head: Head = { seq: 0, mac: mac(0) };
    let reads = 0;
    const errors: Error[] = [];
    const cp = new Checkpointer({ key, target, every, intervalMs: 20, readHead: async () => (reads++, { ...head }), onError: (e) => errors.push(e) });
    const written = async () => (await readCheckpoints(target, key)).map((c) => c.seq);
    return { cp, head, written, errors, reads: () => reads };
  }

  it('writes after every N events, sharing one write between concurrent triggers', async () => {
    const { cp, head, written } = setup(3);
    head.seq = 2;
    cp.noteAppended(2);
    await cp.flush();
    expect(await written()).toEqual([2]);
    head.seq = 5;
    cp.noteAppended(3); // reaches N: writes
    cp.noteAppended(1); // shares the write in flight
    await cp.flush();
    expect(await written()).toEqual([2, 5]);
  });

  it('writes nothing while the chain is idle, not even the same head twice', async () => {
    const { cp, head, written, reads } = setup();
    cp.start();
    await new Promise((r) => setTimeout(r, 80));
    expect(reads()).toBe(0); // the timer does not even read the head without new events
    head.seq = 4;
    cp.noteAppended(1);
    await new Promise((r) => setTimeout(r, 80)); // the interval picks it up
    cp.stop();
    await cp.flush();
    await cp.flush();
    expect(await written()).toEqual([4]);
  });

  it('reports a failed write and never throws', async () => {
    const errors: Error[] = [];
    const cp = new Checkpointer({ key, target: '/dev/null/not-a-dir/cp.log', every: 1, intervalMs: 1000, readHead: async () => ({ seq: 1, mac: mac(1) }), onError: (e) => errors.push(e) });
    await expect(cp.flush()).resolves.toBeUndefined();
    expect(errors).toHaveLength(1);
  });
});
