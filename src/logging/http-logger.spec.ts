import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { createHttpLogger, PinoNestLogger } from './http-logger';

function capture(level = 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const http = createHttpLogger({ NODE_ENV: 'development', LOG_LEVEL: level as 'info' }, sink);
  return { lines, http, nest: new PinoNestLogger(http.logger) };
}

/** A request/response pair the middleware can act on: headers in, status and 'finish'/'close' out. */
function exchange(url: string, headers: Record<string, string> = {}) {
  const req = { url, method: 'GET', headers } as unknown as IncomingMessage & { id?: string };
  const sent: Record<string, string> = {};
  const res = Object.assign(new EventEmitter(), {
    statusCode: 200,
    writableFinished: false,
    setHeader: (k: string, v: string) => void (sent[k.toLowerCase()] = v),
  }) as unknown as ServerResponse & { statusCode: number; writableFinished: boolean };
  const finish = (status: number) => {
    res.statusCode = status;
    (res as { writableFinished: boolean }).writableFinished = true;
    res.emit('finish');
    res.emit('close'); // node emits both: one line only
  };
  return { req, res, sent, finish };
}

describe('request logging middleware', () => {
  it('gives every request an id (a well-formed X-Request-Id is kept) and logs one line without the query', () => {
    const { lines, http } = capture();
    const a = exchange('/api/v1/cases?stage=RECEIVED', { 'x-request-id': 'client-req-0001' });
    let nexted = 0;
    http(a.req, a.res, () => nexted++);
    a.finish(200);
    expect(nexted).toBe(1);
    expect(a.req.id).toBe('client-req-0001');
    expect(a.sent['x-request-id']).toBe('client-req-0001');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'request completed', req: { id: 'client-req-0001', method: 'GET', path: '/api/v1/cases' }, res: { statusCode: 200 } });
    expect(typeof lines[0].responseTime).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain('stage=');

    const b = exchange('/api/v1/cases', { 'x-request-id': 'bad id with spaces' });
    http(b.req, b.res, () => undefined);
    expect(b.req.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.sent['x-request-id']).toBe(b.req.id);
  });

  it('logs server errors at error level, so they show at the default level (warn); nothing else does', () => {
    const { lines, http } = capture('warn');
    for (const status of [200, 404, 503]) {
      const x = exchange('/api/v1/cases/1');
      http(x.req, x.res, () => undefined);
      x.finish(status);
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'request errored', res: { statusCode: 503 } });
  });

  it('says when the client went away before the answer, and does not log /health', () => {
    const { lines, http } = capture();
    const gone = exchange('/api/v1/cases/1');
    http(gone.req, gone.res, () => undefined);
    gone.res.emit('close');
    const health = exchange('/health');
    http(health.req, health.res, () => undefined);
    health.finish(200);
    expect(health.sent['x-request-id']).toBeDefined();
    expect(lines.map((l) => l.msg)).toEqual(['request aborted']);
  });
});

describe('PinoNestLogger', () => {
  it("takes Nest's (message, context) and pino's (object, message, context) forms", () => {
    const { lines, nest } = capture();
    nest.log('started', 'NestApplication');
    nest.error({ err: { name: 'QueryFailedError', code: '57P01' } }, 'audit write failed', 'Audit');
    expect(lines[0]).toMatchObject({ level: 30, context: 'NestApplication', msg: 'started' });
    expect(lines[1]).toMatchObject({ level: 50, context: 'Audit', err: { name: 'QueryFailedError', code: '57P01' }, msg: 'audit write failed' });
  });

  it('redacts personal keys at the top level and one level down', () => {
    const { lines, nest } = capture();
    nest.warn({ fullName: 'Nguyễn Thị Lành', victim: { phone: '0912345678', idNumber: '001200000001' } }, 'oops', 'Test');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/Lành|0912345678|001200000001/);
    expect(lines[0]).toMatchObject({ fullName: '[redacted]', victim: { phone: '[redacted]', idNumber: '[redacted]' } });
  });

  it('logs an Error by name and code only (messages and traces may quote values)', () => {
    const { lines, nest } = capture();
    const e = Object.assign(new Error('duplicate key value (id_number)=(001200000001)'), { code: '23505' });
    nest.error(e, 'Test');
    expect(JSON.stringify(lines[0])).not.toContain('001200000001');
    expect(lines[0]).toMatchObject({ err: { name: 'Error', code: '23505' }, context: 'Test' });
  });
});
