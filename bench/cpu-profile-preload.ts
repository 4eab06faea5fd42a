import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';

/**
 * Preloaded into the app by `npm run bench -- --profile` (`node -r dist/bench/cpu-profile-preload.js
 * dist/src/main.js`): samples the app's CPU with the V8 profiler — the same data as `node --cpu-prof` — and
 * on SIGWINCH (a signal NestJS's shutdown hooks leave alone — they listen to SIGUSR2) writes the profile so far to `$BENCH_PROFILE_DIR/<label>.cpuprofile` (label = the content of
 * `$BENCH_PROFILE_DIR/label`) and starts a new one. The harness signals at every scenario boundary, so each
 * scenario gets its own profile (`--cpu-prof` writes one file, and only on a clean exit).
 * Never part of the product: it lives in bench/ and is loaded only by the harness.
 */
const dir = process.env.BENCH_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  const post = <T = unknown>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
  const start = async () => {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 500 });
    await post('Profiler.start');
  };
  void start();
  let busy = Promise.resolve();
  process.on('SIGWINCH', () => {
    busy = busy.then(async () => {
      let label = 'profile';
      try {
        label = readFileSync(path.join(dir, 'label'), 'utf8').trim() || label;
      } catch {
        /* default label */
      }
      const { profile } = await post<{ profile: object }>('Profiler.stop');
      writeFileSync(path.join(dir, `${label}.cpuprofile`), JSON.stringify(profile));
      await post('Profiler.start');
    });
  });
}
