import * as http from 'node:http';
import * as net from 'node:net';
import { AddressInfo } from 'node:net';
import { closedLoopRaw, paced } from './load';
import { RawHttpPool, RawOutcome } from './raw-http-client';

/**
 * The paced generator's client reads HTTP framing by hand; a framing bug would make the benchmark count
 * half-read answers as done (latencies too good) or hang. These tests feed it the shapes a server sends.
 */

/** A TCP server that answers each request (one per socket at a time) with the bytes `answer` returns. */
async function rawServer(answer: (n: number, socket: net.Socket) => void): Promise<{ port: number; close: () => Promise<void>; accepted: () => number }> {
  let n = 0;
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString('latin1');
      // Requests of these tests have no body: one request ends at the blank line.
      while (buf.includes('\r\n\r\n')) {
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        answer(n++, socket);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    accepted: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => resolve());
      }),
  };
}

const send = (pool: RawHttpPool, path = '/x') => new Promise<RawOutcome>((resolve) => pool.request(pool.build({ method: 'GET', path, headers: {} }), resolve));

describe('RawHttpPool', () => {
  it('completes a Content-Length answer only when the whole body has arrived, and reuses the connection', async () => {
    const srv = await rawServer((_, s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{"a":');
      setTimeout(() => s.write('"bcd"}'), 30);
    });
    const pool = new RawHttpPool('127.0.0.1', srv.port, { maxSockets: 4, timeoutMs: 2000 });
    const started = Date.now();
    expect(await send(pool)).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25); // not done at the first chunk
    expect(await send(pool)).toBe(200);
    expect(srv.accepted()).toBe(1);
    pool.close();
    await srv.close();
  });

  it('reads chunked bodies split anywhere, and 204 without a body', async () => {
    const srv = await rawServer((n, s) => {
      if (n === 0) {
        s.write('HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel');
        setTimeout(() => s.write('lo\r\n6\r\n world\r\n0'), 20);
        setTimeout(() => s.write('\r\n\r\n'), 40);
      } else s.write('HTTP/1.1 204 No Content\r\n\r\n');
    });
    const pool = new RawHttpPool('127.0.0.1', srv.port, { maxSockets: 1, timeoutMs: 2000 });
    const started = Date.now();
    expect(await send(pool)).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(await send(pool)).toBe(204);
    pool.close();
    await srv.close();
  });

  it('opens a new connection after "Connection: close", reads a body delimited by close, and reports unframed answers and timeouts as errors', async () => {
    const srv = await rawServer((n, s) => {
      if (n === 0) s.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      else if (n === 1) s.write('HTTP/1.1 200 OK\r\n\r\nno length, no chunks'); // neither framed nor closing: refused
      else if (n === 2) s.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n'); // node's answer to a malformed request
      // n === 3: never answered
    });
    const pool = new RawHttpPool('127.0.0.1', srv.port, { maxSockets: 4, timeoutMs: 300 });
    expect(await send(pool)).toBe(503);
    expect(await send(pool)).toBe('error');
    expect(await send(pool)).toBe(400);
    expect(await send(pool)).toBe('error');
    expect(srv.accepted()).toBe(4);
    pool.close();
    await srv.close();
  });

  it('writes its own framing headers only: a caller\'s stale Content-Length or Host is dropped', () => {
    const pool = new RawHttpPool('127.0.0.1', 1, { maxSockets: 1, timeoutMs: 1000 });
    const bytes = pool.build({ method: 'POST', path: '/p', headers: { 'Content-Length': '999', host: 'evil', 'content-type': 'application/json' }, body: Buffer.from('{"a":"ễ"}') });
    expect(bytes.toString('utf8')).toBe('POST /p HTTP/1.1\r\nHost: 127.0.0.1:1\r\ncontent-type: application/json\r\nContent-Length: 11\r\n\r\n{"a":"ễ"}');
    pool.close();
  });

  it('queues requests beyond maxSockets and serves them as connections free up', async () => {
    const srv = await rawServer((_, s) => setTimeout(() => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), 10));
    const pool = new RawHttpPool('127.0.0.1', srv.port, { maxSockets: 2, timeoutMs: 2000 });
    const outcomes = await Promise.all(Array.from({ length: 7 }, () => send(pool)));
    expect(outcomes).toEqual(Array(7).fill(200));
    expect(srv.accepted()).toBe(2);
    expect(pool.size).toBe(2);
    pool.close();
    await srv.close();
  });
});

describe('paced (open loop)', () => {
  it('sends rate × duration requests on schedule and counts statuses', async () => {
    let hits = 0;
    const server = http.createServer((req, res) => {
      hits++;
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const started = Date.now();
    const r = await paced(base, (i) => ({ path: i % 10 === 0 ? '/missing' : '/ok' }), { rate: 200, duration: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950); // the schedule, not as fast as possible
    expect(r.sent).toBe(200);
    expect(hits).toBe(200);
    expect(r.statuses).toEqual({ '404': 20 });
    expect(r.errors).toBe(0);
    expect(r.p50).toBeGreaterThan(0);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

describe('closedLoopRaw (the login flood)', () => {
  it('keeps `connections` requests outstanding, sends the next on each answer, and drops the waiting ones at the end', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let hits = 0;
    const server = http.createServer((req, res) => {
      hits++;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // Like logins queued for a hashing slot: answered one at a time, 50 ms apart; one in ten refused.
      setTimeout(() => {
        inFlight--;
        res.statusCode = hits % 10 === 0 ? 429 : 200;
        res.end('{}');
      }, 50 * inFlight);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const started = Date.now();
    const r = await closedLoopRaw(base, () => ({ method: 'POST', path: '/auth/login', body: '{}' }), { connections: 5, duration: 1 });
    expect(Date.now() - started).toBeLessThan(1500); // ends at `duration`, not when the waiting requests are answered
    expect(maxInFlight).toBe(5);
    expect(r.sent).toBe(hits);
    // Every answer before the end was followed by another request: sent = answered + the 5 still waiting.
    expect(r.sent).toBe(r.completed + r.errors + 5);
    expect(r.statuses['429']).toBeGreaterThan(0); // non-2xx answers are counted by status, not in rps
    expect(r.errors).toBe(0);
    expect(r.rps).toBeGreaterThan(0);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});
