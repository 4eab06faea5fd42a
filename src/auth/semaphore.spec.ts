import { ClientGoneError } from './client-gone';
import { Semaphore } from './semaphore';

/** A task that runs until released, so the test decides who holds the slot and for how long. */
function heldTask(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return { fn: async () => (log.push(name), await done, name), release };
}

/** One slot and three held tasks a, b, c writing to one log. */
function oneSlotThreeTasks() {
  const log: string[] = [];
  return { log, s: new Semaphore(1), a: heldTask(log, 'a'), b: heldTask(log, 'b'), c: heldTask(log, 'c') };
}

describe('Semaphore', () => {
  it('runs at most `max` at a time, the others in arrival order', async () => {
    const { log, s, a, b, c } = oneSlotThreeTasks();
    const runs = [s.run(a.fn), s.run(b.fn), s.run(c.fn)];
    await Promise.resolve();
    expect(log).toEqual(['a']);
    expect(s.queued).toBe(2);
    a.release();
    b.release();
    c.release();
    expect(await Promise.all(runs)).toEqual(['a', 'b', 'c']);
    expect(log).toEqual(['a', 'b', 'c']);
  });

  it('drops a waiter whose signal aborts: it never runs, and the slot goes to the next one', async () => {
    const { log, s, a, b, c } = oneSlotThreeTasks();
    const gone = new AbortController();
    const ra = s.run(a.fn);
    const rb = s.run(b.fn, gone.signal);
    const rc = s.run(c.fn);
    gone.abort();
    await expect(rb).rejects.toBeInstanceOf(ClientGoneError);
    expect(s.queued).toBe(1);
    a.release();
    c.release();
    expect(await Promise.all([ra, rc])).toEqual(['a', 'c']);
    expect(log).toEqual(['a', 'c']);
    // Nothing is left held: a new caller runs at once.
    const d = heldTask(log, 'd');
    const rd = s.run(d.fn);
    await Promise.resolve();
    expect(log).toEqual(['a', 'c', 'd']);
    d.release();
    await rd;
  });

  it('refuses an already-aborted caller without running it, and a full queue with 429', async () => {
    const s = new Semaphore(1, 1);
    let ran = false;
    await expect(s.run(async () => void (ran = true), AbortSignal.abort())).rejects.toBeInstanceOf(ClientGoneError);
    expect(ran).toBe(false);
    const log: string[] = [];
    const a = heldTask(log, 'a');
    const b = heldTask(log, 'b');
    const ra = s.run(a.fn);
    const rb = s.run(b.fn);
    await expect(s.run(async () => 'c')).rejects.toMatchObject({ status: 429 });
    a.release();
    b.release();
    await Promise.all([ra, rb]);
  });
});
