import * as net from 'node:net';

/**
 * A minimal HTTP/1.1 keep-alive client for the paced (open-loop) generator.
 *
 * Why not node:http: the load generator shares the two cores with the app and PostgreSQL, and node's http
 * client costs ≈ 0.12–0.18 ms of CPU per request here (agent bookkeeping, header objects, streams) — at a
 * paced 1,000 req/s that is a sixth of a core taken from the server under test. This client writes one
 * pre-built request buffer and reads back only what it needs (status, Content-Length or chunked framing);
 * one request at a time per socket, no pipelining. It is a measuring tool of the bench, never product code.
 */

export interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/** The outcome of one exchange: an HTTP status, or 'error' (transport failure, timeout, malformed answer). */
export type RawOutcome = number | 'error';

interface Pending {
  done: (outcome: RawOutcome) => void;
  startedAt: number;
}

class Connection {
  readonly socket: net.Socket;
  private chunks: Buffer[] = [];
  private length = 0;
  private pending: Pending | null = null;
  private status = 0;
  /** Bytes of head + body expected once the head is parsed; -1 while reading the head; -2 chunked; -3 until close. */
  private need = -1;
  private closeAfter = false;
  /** Where the body starts once the head is parsed (chunked framing is read from there). */
  private bodyStart = 0;
  alive = true;

  constructor(host: string, port: number, private readonly onIdle: (c: Connection) => void, private readonly onGone: (c: Connection) => void) {
    this.socket = net.connect({ host, port, noDelay: true });
    this.socket.on('data', (d: Buffer) => this.onData(d));
    const gone = () => {
      if (!this.alive) return;
      this.alive = false;
      this.onGone(this);
      this.finish(this.need === -3 ? this.status : 'error');
    };
    this.socket.on('error', gone);
    this.socket.on('close', gone);
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  send(bytes: Buffer, pending: Pending): void {
    this.pending = pending;
    this.chunks = [];
    this.length = 0;
    this.need = -1;
    this.status = 0;
    this.closeAfter = false;
    this.socket.write(bytes);
  }

  /** Called by the pool's timeout sweep. */
  expire(): void {
    this.finish('error');
    this.socket.destroy();
  }

  startedAt(): number {
    return this.pending?.startedAt ?? Infinity;
  }

  private onData(d: Buffer): void {
    if (!this.pending) return; // an unsolicited byte on an idle socket: ignore (the server will close it)
    this.chunks.push(d);
    this.length += d.length;
    const buf = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.length);
    this.chunks = [buf];
    if (this.need === -1) {
      const headEnd = buf.indexOf('\r\n\r\n');
      if (headEnd < 0) return;
      const head = buf.toString('latin1', 0, headEnd);
      this.status = Number(head.slice(9, 12));
      const lower = head.toLowerCase();
      const cl = /\r\ncontent-length:\s*(\d+)/.exec(lower);
      this.closeAfter = /\r\nconnection:\s*close/.test(lower);
      if (cl) this.need = headEnd + 4 + Number(cl[1]);
      else if (/\r\ntransfer-encoding:[^\r]*chunked/.test(lower)) this.need = -2;
      else if (this.status === 204 || this.status === 304) this.need = headEnd + 4;
      else if (this.closeAfter) this.need = -3; // the body ends when the server closes (node's own 400 on a malformed request)
      else return this.fail(); // neither framed nor closing: unusable
      this.bodyStart = headEnd + 4;
    }
    if (this.need === -2) {
      const end = chunkedEnd(buf, this.bodyStart);
      if (end === -2) return this.fail();
      if (end < 0) return;
      return this.complete();
    }
    if (this.need >= 0 && this.length >= this.need) this.complete();
  }

  private complete(): void {
    const status = this.status;
    this.finish(status);
    if (this.closeAfter) this.socket.destroy();
    else if (this.alive) this.onIdle(this);
  }

  private fail(): void {
    this.finish('error');
    this.socket.destroy();
  }

  private finish(outcome: RawOutcome): void {
    const p = this.pending;
    this.pending = null;
    this.chunks = [];
    this.length = 0;
    p?.done(outcome);
  }
}

/** Index just past the terminating zero-size chunk, -1 if more bytes are needed, -2 if malformed. */
function chunkedEnd(buf: Buffer, from: number): number {
  let at = from;
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return -1;
    const size = parseInt(buf.toString('latin1', at, lineEnd).split(';')[0], 16);
    if (!Number.isFinite(size) || size < 0) return -2;
    if (size === 0) {
      // No trailers are expected: the last chunk is followed by an empty line.
      return buf.length >= lineEnd + 4 ? lineEnd + 4 : -1;
    }
    at = lineEnd + 2 + size + 2;
    if (at > buf.length) return -1;
  }
}

const FRAMING_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

/** A growing pool of keep-alive connections to one server; requests wait when `maxSockets` are busy. */
export class RawHttpPool {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly queue: Array<{ bytes: Buffer; pending: Pending }> = [];
  private readonly sweep: NodeJS.Timeout;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly opts: { maxSockets: number; timeoutMs: number },
  ) {
    this.sweep = setInterval(() => {
      const limit = performance.now() - this.opts.timeoutMs;
      for (const c of this.all) if (c.busy && c.startedAt() < limit) c.expire();
    }, Math.min(500, this.opts.timeoutMs));
    this.sweep.unref();
  }

  /** Serialises a request once; the bytes can be sent as often as needed. */
  build(req: RawRequest): Buffer {
    let head = `${req.method} ${req.path} HTTP/1.1\r\nHost: ${this.host}:${this.port}\r\n`;
    for (const [k, v] of Object.entries(req.headers)) {
      // Framing headers are this client's: a caller's stale Content-Length (autocannon writes one into the headers
      // object it is given) next to ours is a malformed request (node answers 400 and closes).
      if (!FRAMING_HEADERS.has(k.toLowerCase())) head += `${k}: ${v}\r\n`;
    }
    if (req.body) head += `Content-Length: ${req.body.length}\r\n`;
    head += '\r\n';
    return req.body ? Buffer.concat([Buffer.from(head, 'latin1'), req.body]) : Buffer.from(head, 'latin1');
  }

  request(bytes: Buffer, done: (outcome: RawOutcome) => void): void {
    const pending = { done, startedAt: performance.now() };
    const conn = this.take();
    if (conn) conn.send(bytes, pending);
    else this.queue.push({ bytes, pending });
  }

  /**
   * Opens `n` connections before a run, as long-lived clients would have: without it the first second of a
   * paced run measures a storm of TCP connects (every request finds no free socket and opens one).
   */
  async preconnect(n: number): Promise<void> {
    const fresh: Connection[] = [];
    for (let i = 0; i < n && this.all.size < this.opts.maxSockets; i++) fresh.push(this.take()!);
    await Promise.all(fresh.map((c) => new Promise<void>((resolve) => (c.socket.connecting ? c.socket.once('connect', () => resolve()).once('error', () => resolve()) : resolve()))));
    for (const c of fresh) if (c.alive) this.idle.push(c);
  }

  get size(): number {
    return this.all.size;
  }

  close(): void {
    clearInterval(this.sweep);
    for (const c of this.all) c.socket.destroy();
    this.all.clear();
    this.idle.length = 0;
  }

  private take(): Connection | undefined {
    while (this.idle.length) {
      const c = this.idle.pop()!;
      if (c.alive) return c;
    }
    if (this.all.size >= this.opts.maxSockets) return undefined;
    const c = new Connection(this.host, this.port, (x) => this.release(x), (x) => this.forget(x));
    this.all.add(c);
    return c;
  }

  private release(c: Connection): void {
    const next = this.queue.shift();
    if (next) c.send(next.bytes, next.pending);
    else this.idle.push(c);
  }

  private forget(c: Connection): void {
    this.all.delete(c);
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    // A queued request gets a fresh connection rather than waiting for one that may never free up.
    const next = this.queue.shift();
    if (next) {
      const fresh = this.take();
      if (fresh) fresh.send(next.bytes, next.pending);
      else this.queue.unshift(next);
    }
  }
}
