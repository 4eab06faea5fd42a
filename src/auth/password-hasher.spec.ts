import { readFileSync } from 'node:fs';
import { TEST_CONFIG_ENV } from '../../test/support/config';
import { loadConfig } from '../config/app-config';
import { schedIdleLauncher } from './argon2-process';
import { ClientGoneError } from './client-gone';
import { PasswordHasher } from './password-hasher';

describe('PasswordHasher (argon2id in a lowest-priority process)', () => {
  // No pauses between hashes here (ARGON2_MAX_DUTY=1): these tests are about the process, and a call paused by
  // the duty cycle (duty-cycle.spec.ts) would reach the process only after the kill below.
  const hasher = new PasswordHasher(loadConfig({ ...TEST_CONFIG_ENV, ARGON2_MAX_DUTY: '1' }));
  afterAll(() => hasher.onApplicationShutdown());

  it('hashes and verifies; a wrong password, an unknown user (null hash) and a malformed hash all fail', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    await hasher.withSlot(async (slot) => {
      expect(await slot.verify(hash, 'correct horse battery staple')).toBe(true);
      expect(await slot.verify(hash, 'wrong horse battery staple')).toBe(false);
      expect(await slot.verify(null, 'correct horse battery staple')).toBe(false);
      expect(await slot.verify('not-a-hash', 'correct horse battery staple')).toBe(false);
    });
  });

  it('hashes at the lowest CPU priority (nice 19), so logins never take CPU from requests', async () => {
    await hasher.hash('any password at all');
    const pid = hasher.hashingPid!;
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(process.pid);
    if (process.platform !== 'linux') return;
    // Every thread of the hashing process (argon2 runs on its libuv pool) inherits nice 19.
    const tids = require('node:fs').readdirSync(`/proc/${pid}/task`) as string[];
    expect(tids.length).toBeGreaterThan(1);
    const schedIdle = schedIdleLauncher() !== undefined; // the same lookup the hasher uses to start the process
    for (const tid of tids) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the fields after the command name
      expect(Number(fields[16])).toBe(19); // nice
      if (schedIdle) expect(Number(fields[38])).toBe(5); // policy: SCHED_IDLE
    }
  });

  it('does not hash for a caller whose client went away while it waited (for the slot or for its turn)', async () => {
    const hash = await hasher.hash('correct horse battery staple');
    const before = hasher.hashesComputed;
    await expect(hasher.withSlot((slot) => slot.verify(hash, 'x'), AbortSignal.abort())).rejects.toBeInstanceOf(ClientGoneError);
    const gone = new AbortController();
    await expect(
      hasher.withSlot(async (slot) => {
        gone.abort(); // holding the slot already, before the hash starts
        return slot.verify(hash, 'correct horse battery staple');
      }, gone.signal),
    ).rejects.toBeInstanceOf(ClientGoneError);
    expect(hasher.hashesComputed).toBe(before);
    // A caller still connected is served as before.
    await hasher.withSlot(async (slot) => expect(await slot.verify(hash, 'correct horse battery staple')).toBe(true), new AbortController().signal);
    expect(hasher.hashesComputed).toBe(before + 1);
  });

  it('starts a new hashing process after the old one died; calls in flight fail closed', async () => {
    await hasher.hash('warm up the process');
    const first = hasher.hashingPid!;
    const inFlight = hasher.hash('in flight while it dies');
    process.kill(first, 'SIGKILL');
    await expect(inFlight).rejects.toThrow(/exited/);
    const hash = await hasher.hash('after the restart');
    expect(hasher.hashingPid).not.toBe(first);
    await hasher.withSlot(async (slot) => expect(await slot.verify(hash, 'after the restart')).toBe(true));
  });
});
