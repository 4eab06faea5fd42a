import { WindowCounterStorage } from './window-throttler-storage';

describe('WindowCounterStorage (sliding-window counter)', () => {
  const setup = () => {
    let now = 1_000_000; // the start of a 1 s window (ttl 1000 ms below)
    const storage = new WindowCounterStorage(() => now);
    return { storage, hit: (key = 'a', limit = 3, block = 1000) => storage.increment(key, 1000, limit, block, 'default'), advance: (ms: number) => (now += ms) };
  };

  it('lets `limit` requests through per window and blocks the next with Retry-After', async () => {
    const { hit } = setup();
    for (let i = 1; i <= 3; i++) expect(await hit()).toMatchObject({ isBlocked: false, totalHits: i });
    const over = await hit();
    expect(over).toMatchObject({ isBlocked: true, timeToBlockExpire: 1 });
  });

  it('counts clients separately', async () => {
    const { hit } = setup();
    for (let i = 0; i < 3; i++) await hit('a');
    expect((await hit('a')).isBlocked).toBe(true);
    expect((await hit('b')).isBlocked).toBe(false);
  });

  it('weights the previous window by its overlap, so a burst at a window edge cannot double the rate', async () => {
    const { hit, advance } = setup();
    advance(900);
    for (let i = 0; i < 3; i++) expect((await hit()).isBlocked).toBe(false); // at the end of window 1
    advance(200); // 10 % into window 2: the previous window still weighs 90 % → 2.7 of 3 used
    expect((await hit()).isBlocked).toBe(true);
  });

  it('stays blocked for the block duration, then admits again', async () => {
    const { hit, advance } = setup();
    for (let i = 0; i < 4; i++) await hit('a', 3, 5000);
    advance(3000);
    expect((await hit('a', 3, 5000)).isBlocked).toBe(true);
    advance(2001);
    expect((await hit('a', 3, 5000)).isBlocked).toBe(false);
  });

  it('forgets idle clients', async () => {
    const { storage, hit, advance } = setup();
    await hit('a');
    await hit('b');
    advance(1500);
    await hit('b');
    advance(1000);
    storage.sweep();
    expect(storage.size).toBe(1); // a was idle for two windows; b was seen in the previous one
  });
});
