import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** argon2 options as sent to the hashing process (plain data). */
export interface Argon2Options {
  type: number;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

type RequestBody = { op: 'hash'; password: string; options: Argon2Options } | { op: 'verify'; hash: string; password: string };
type Reply = { id: number; ok: true; result: string | boolean } | { id: number; ok: false };

/**
 * The hashing process: lowers the priority of all its threads to the minimum BEFORE argon2 starts its pool
 * threads (which inherit the nice value of the thread that creates them), then hashes and verifies on request. It never
 * logs; passwords reach it over the IPC pipe only. It exits when the parent goes away.
 */
const CHILD_SOURCE = (argon2Path: string) => `
  const os = require('node:os');
  // Linux keeps a nice value per thread: Node's own threads already exist, so lower each of them too.
  try { os.setPriority(19); } catch {}
  try { for (const tid of require('node:fs').readdirSync('/proc/self/task')) os.setPriority(Number(tid), 19); } catch {}
  const argon2 = require(${JSON.stringify(argon2Path)});
  process.on('message', async (m) => {
    try {
      const result = m.op === 'hash' ? await argon2.hash(m.password, m.options) : await argon2.verify(m.hash, m.password);
      process.send({ id: m.id, ok: true, result });
    } catch {
      process.send({ id: m.id, ok: false });
    }
  });
  process.on('disconnect', () => process.exit(0));
`;

/** `chrt` on Linux when installed (util-linux), to start the hashing process under SCHED_IDLE. */
export function schedIdleLauncher(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(path.delimiter)) {
    const candidate = path.join(dir, 'chrt');
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * argon2id in a separate, lowest-priority process, so that a login flood cannot starve case work: the kernel
 * gives the hashing process only CPU that requests of normal priority leave unused (measured in the benchmark's
 * "read during a login flood" scenario). Started on first use, restarted after a crash (the calls in flight
 * then fail, closed). Does not keep the parent alive while idle (a CLI exits normally).
 */
export class Argon2Process {
  private child?: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: string | boolean) => void; reject: (e: Error) => void }>();

  constructor(private readonly threads: number) {}

  hash(password: string, options: Argon2Options): Promise<string> {
    return this.call({ op: 'hash', password, options }) as Promise<string>;
  }

  /** Rejects on a malformed hash (as argon2.verify does); false for a wrong password. */
  verify(hash: string, password: string): Promise<boolean> {
    return this.call({ op: 'verify', hash, password }) as Promise<boolean>;
  }

  /** The hashing process's pid (tests, diagnostics), once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  close(): void {
    const child = this.child;
    this.child = undefined;
    child?.kill();
    this.failAll(new Error('the hashing process was closed'));
  }

  private call(request: RequestBody): Promise<string | boolean> {
    const child = this.process();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.refWhileBusy(child);
      child.send({ ...request, id }, (e) => {
        if (e) this.settle(id, undefined, e);
      });
    });
  }

  private process(): ChildProcess {
    if (this.child && this.child.connected) return this.child;
    const argv = [process.execPath, '-e', CHILD_SOURCE(require.resolve('argon2'))];
    // SCHED_IDLE (util-linux `chrt -i 0`) where available: the kernel then runs the hashing threads only when a
    // core would otherwise idle, and preempts them at once for any normal thread — nice 19 alone still left
    // read p99 ≈ 10× higher during a login flood (bench/README.md).
    const chrt = schedIdleLauncher();
    const [command, ...args] = chrt ? [chrt, '-i', '0', ...argv] : argv;
    const child = spawn(command, args, {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      // Enough pool threads for the configured number of concurrent hashes.
      env: { ...process.env, UV_THREADPOOL_SIZE: String(Math.max(4, this.threads)), NODE_OPTIONS: '' },
    });
    child.on('message', (reply: Reply) => this.settle(reply.id, reply.ok ? reply.result : undefined, reply.ok ? undefined : new Error('argon2 refused the input')));
    const gone = () => {
      if (this.child === child) this.child = undefined;
      this.failAll(new Error('the hashing process exited'));
    };
    child.on('exit', gone);
    child.on('error', gone);
    this.child = child;
    this.refWhileBusy(child);
    return child;
  }

  private settle(id: number, value: string | boolean | undefined, error?: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (error) p.reject(error);
    else p.resolve(value as string | boolean);
    if (this.child) this.refWhileBusy(this.child);
  }

  private failAll(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    all.forEach((p) => p.reject(error));
  }

  /** Keeps the parent's event loop alive only while a call waits for its answer. */
  private refWhileBusy(child: ChildProcess): void {
    const channel = child.channel as { ref?: () => void; unref?: () => void } | undefined;
    if (this.pending.size > 0) {
      child.ref();
      channel?.ref?.();
    } else {
      child.unref();
      channel?.unref?.();
    }
  }
}
