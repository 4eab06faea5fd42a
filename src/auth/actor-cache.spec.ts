import { ActorCache } from './actor-cache';

function setup(ttlMs = 1000) {
  let now = 0;
  const cache = new ActorCache<{ v: number }>(ttlMs, 3, () => now);
  let calls = 0;
  const load = (v: number) => async () => {
    calls++;
    return { v };
  };
  return { cache, load, calls: () => calls, advance: (ms: number) => (now += ms) };
}

describe('ActorCache', () => {
  it('caches nothing while the change listener is not connected', async () => {
    const { cache, load, calls } = setup();
    await cache.lookup('u1', 's1', load(1));
    await cache.lookup('u1', 's1', load(2));
    expect(calls()).toBe(2);
    expect(cache.enabled).toBe(false);
  });

  it('while listening, serves a (user, session) from memory until the TTL ends', async () => {
    const { cache, load, calls, advance } = setup(1000);
    cache.setListening(true);
    expect(await cache.lookup('u1', 's1', load(1))).toEqual({ v: 1 });
    expect(await cache.lookup('u1', 's1', load(2))).toEqual({ v: 1 });
    expect(await cache.lookup('u1', 's2', load(3))).toEqual({ v: 3 }); // another session: its own read
    expect(calls()).toBe(2);
    advance(1001);
    expect(await cache.lookup('u1', 's1', load(4))).toEqual({ v: 4 });
  });

  it('forgets a user, a session, or everything (a notification payload of a user id or "*")', async () => {
    const { cache, load } = setup();
    cache.setListening(true);
    await cache.lookup('u1', 's1', load(1));
    await cache.lookup('u2', 's2', load(1));
    cache.notified('u1');
    expect(await cache.lookup('u1', 's1', load(2))).toEqual({ v: 2 });
    expect(await cache.lookup('u2', 's2', load(2))).toEqual({ v: 1 });
    cache.forgetSession('s2');
    expect(await cache.lookup('u2', 's2', load(3))).toEqual({ v: 3 });
    cache.notified('*');
    expect(await cache.lookup('u1', 's1', load(4))).toEqual({ v: 4 });
    expect(await cache.lookup('u2', 's2', load(4))).toEqual({ v: 4 });
  });

  it('never stores a read that was in flight when something was forgotten (it may predate the change)', async () => {
    const { cache, load } = setup();
    cache.setListening(true);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const inFlight = cache.lookup('u1', 's1', async () => {
      await gate;
      return { v: 1 }; // read before the revocation committed
    });
    cache.forgetUser('u1'); // the revocation committed meanwhile
    release();
    expect(await inFlight).toEqual({ v: 1 }); // this request raced the change, as it would without a cache
    expect(await cache.lookup('u1', 's1', load(2))).toEqual({ v: 2 }); // but the next one reads again
  });

  it('losing the listener empties the cache and turns it off; a TTL of 0 never caches', async () => {
    const { cache, load, calls } = setup();
    cache.setListening(true);
    await cache.lookup('u1', 's1', load(1));
    cache.setListening(false);
    await cache.lookup('u1', 's1', load(2));
    await cache.lookup('u1', 's1', load(3));
    expect(calls()).toBe(3);
    const off = new ActorCache<{ v: number }>(0);
    off.setListening(true);
    expect(off.enabled).toBe(false);
  });

  it('stays bounded: a full cache starts over rather than grow', async () => {
    const { cache, load, calls } = setup();
    cache.setListening(true);
    for (const u of ['a', 'b', 'c', 'd']) await cache.lookup(u, 's', load(1));
    await cache.lookup('d', 's', load(1));
    expect(calls()).toBe(4); // d was stored after the reset
    await cache.lookup('a', 's', load(1));
    expect(calls()).toBe(5); // a was dropped by the reset
  });
});
