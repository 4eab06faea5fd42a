import { loadConfig } from '../config/app-config';
import { expectConfigRefused, TEST_CONFIG_ENV as base } from '../../test/support/config';
import { ClientGoneError } from './client-gone';
import { DutyCyclePacer, EventLoopLoad, PacerClock } from './duty-cycle';

/** A clock that moves only when told: work "takes" time by advancing it; sleeping advances it too. */
function fakeClock() {
  let t = 1000;
  const slept: number[] = [];
  const clock: PacerClock = {
    now: () => t,
    sleep: async (ms) => {
      slept.push(ms);
      t += ms;
    },
  };
  return { clock, slept, advance: (ms: number) => (t += ms), now: () => t };
}

describe('DutyCyclePacer', () => {
  it('after a hash of t ms at duty 0.25, the next one waits 3t; the first never waits', async () => {
    const c = fakeClock();
    const pacer = new DutyCyclePacer(0.25, c.clock);
    await pacer.run(async () => c.advance(30));
    expect(c.slept).toEqual([]);
    const startedAt: number[] = [];
    await pacer.run(async () => {
      startedAt.push(c.now());
      c.advance(40);
    });
    expect(c.slept).toEqual([90]);
    expect(startedAt).toEqual([1000 + 30 + 90]); // the work itself ran only after the pause
    await pacer.run(async () => c.advance(10));
    expect(c.slept).toEqual([90, 120]);
  });

  it('does not wait when the pause has already passed (a quiet system), nor at duty 1', async () => {
    const c = fakeClock();
    const pacer = new DutyCyclePacer(0.5, c.clock);
    await pacer.run(async () => c.advance(30));
    c.advance(31); // the required 30 ms went by on their own
    await pacer.run(async () => c.advance(30));
    expect(c.slept).toEqual([]);

    const full = new DutyCyclePacer(1, c.clock);
    for (let i = 0; i < 3; i++) await full.run(async () => c.advance(25));
    expect(c.slept).toEqual([]);
  });

  it('counts the time of a failed hash and passes its error on', async () => {
    const c = fakeClock();
    const pacer = new DutyCyclePacer(0.5, c.clock);
    await expect(
      pacer.run(async () => {
        c.advance(20);
        throw new Error('hashing process exited');
      }),
    ).rejects.toThrow('hashing process exited');
    await pacer.run(async () => undefined);
    expect(c.slept).toEqual([20]);
  });

  it('skips the work of a caller whose client went away during its pause, and that skip costs the next nothing', async () => {
    const c = fakeClock();
    const pacer = new DutyCyclePacer(0.25, c.clock);
    await pacer.run(async () => c.advance(10)); // the next may start 30 ms after this one ended
    const gone = new AbortController();
    const realSleep = c.clock.sleep;
    c.clock.sleep = async (ms) => {
      gone.abort(); // the client leaves while the call waits for its turn
      await realSleep(ms);
    };
    let ran = false;
    await expect(pacer.run(async () => void (ran = true), gone.signal)).rejects.toBeInstanceOf(ClientGoneError);
    expect(ran).toBe(false);
    c.clock.sleep = realSleep;
    await pacer.run(async () => c.advance(10)); // its turn had passed during the skipped call's pause
    expect(c.slept).toEqual([30]);
  });

  it('while the request path is busy, pauses by the lower duty; quiet again, by the full one', async () => {
    const c = fakeClock();
    let busy = true;
    const pacer = new DutyCyclePacer(0.25, c.clock, { duty: 0.1, isBusy: () => busy });
    await pacer.run(async () => c.advance(20)); // busy: the next may start 9 × 20 ms later
    await pacer.run(async () => c.advance(20));
    expect(c.slept).toEqual([180]);
    busy = false; // quiet when the next asks: 3 × 20 ms
    await pacer.run(async () => c.advance(20));
    expect(c.slept).toEqual([180, 60]);
    // A busy duty above the full one never speeds hashing up.
    const odd = new DutyCyclePacer(0.25, c.clock, { duty: 0.5, isBusy: () => true });
    await odd.run(async () => c.advance(10));
    await odd.run(async () => c.advance(10));
    expect(c.slept).toEqual([180, 60, 30]);
  });

  it('refuses a duty outside (0, 1]', () => {
    expect(() => new DutyCyclePacer(0)).toThrow();
    expect(() => new DutyCyclePacer(1.5)).toThrow();
    expect(() => new DutyCyclePacer(0.25, undefined, { duty: 0, isBusy: () => true })).toThrow();
  });
});

describe('EventLoopLoad', () => {
  it('reports the utilisation of the last window, from Node\'s counters', () => {
    // Cumulative counters as Node keeps them; the difference of two is a window's utilisation.
    let counters = { idle: 0, active: 0, utilization: 0 };
    const elu = ((a?: typeof counters, b?: typeof counters) =>
      a && b ? { idle: a.idle - b.idle, active: a.active - b.active, utilization: (a.active - b.active) / (a.active - b.active + a.idle - b.idle) } : counters) as never;
    const load = new EventLoopLoad(500, elu);
    expect(load.utilization).toBe(0);
    counters = { idle: 350, active: 150, utilization: 0.3 };
    load.sample();
    expect(load.utilization).toBeCloseTo(0.3);
    counters = { idle: 840, active: 160, utilization: 0.16 };
    load.sample();
    expect(load.utilization).toBeCloseTo(0.02);
  });

  it('samples the real event loop: busy work shows, idle time does not', async () => {
    const load = new EventLoopLoad();
    // Idle windows: the lowest of a few (a garbage collection of this test worker can make any one look busy).
    const idle: number[] = [];
    for (let i = 0; i < 5; i++) {
      load.sample();
      await new Promise((r) => setTimeout(r, 20));
      load.sample();
      idle.push(load.utilization);
    }
    expect(Math.min(...idle)).toBeLessThan(0.5);
    const until = Date.now() + 50;
    while (Date.now() < until) {
      /* the event loop is busy */
    }
    load.sample();
    expect(load.utilization).toBeGreaterThan(0.5);
  });
});

describe('ARGON2_MAX_DUTY', () => {
  it('defaults to a quarter of the time and accepts a fraction', () => {
    expect(loadConfig(base).ARGON2_MAX_DUTY).toBe(0.25);
    expect(loadConfig(base).ARGON2_BUSY_DUTY).toBe(0.1);
    expect(loadConfig({ ...base, ARGON2_BUSY_DUTY: '0.2' }).ARGON2_BUSY_DUTY).toBe(0.2);
    expect(loadConfig({ ...base, ARGON2_MAX_DUTY: '0.5' }).ARGON2_MAX_DUTY).toBe(0.5);
  });

  it('refuses 0, more than 1 and non-numbers, naming the variable and not the value', () => {
    for (const bad of ['0', '1.5', 'half']) expectConfigRefused('ARGON2_MAX_DUTY', bad);
    for (const bad of ['0', '1.5', 'half']) expectConfigRefused('ARGON2_BUSY_DUTY', bad);
  });
});
