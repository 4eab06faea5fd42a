import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { createHttpLogger, PinoNestLogger, requestIdOf } from './http-logger';

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

/** A response the logger can watch: a status and 'finish'/'close' events. */
function exchange(url: string, id = 'req-00000001') {
  const req = { id, url, method: 'GET' };
  const res = Object.assign(new EventEmitter(), { statusCode: 200, writableFinished: false }) as unknown as ServerResponse & { statusCode: number; writableFinished: boolean };
  const finish = (status: number) => {
    res.statusCode = status;
    (res as { writableFinished: boolean }).writableFinished = true;
    res.emit('finish');
    res.emit('close'); // node emits both: one line only
  };
  return { req, res, finish };
}

describe('request ids', () => {
  it('keeps a well-formed X-Request-Id and replaces anything else with a new UUID', () => {
    expect(requestIdOf('client-req-0001')).toBe('client-req-0001');
    for (const bad of ['bad id with spaces', 'short', 'x'.repeat(65), ['client-req-0001', 'client-req-0002'], undefined]) {
      expect(requestIdOf(bad)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }
    expect(requestIdOf(undefined)).not.toBe(requestIdOf(undefined));
  });
});

describe('request logging', () => {
  it('logs one line per request with its id, without the query', () => {
    const { lines, http } = capture();
    const a = exchange('/api/v1/cases?stage=RECEIVED', 'client-req-0001');
    http.track(a.req, a.res);
    expect(lines).toHaveLength(0);
    a.finish(200);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 30, msg: 'request completed', req: { id: 'client-req-0001', method: 'GET', path: '/api/v1/cases' }, res: { statusCode: 200 } });
    expect(typeof lines[0].responseTime).toBe('number');
    expect(JSON.stringify(lines[0])).not.toContain('stage=');
  });

  it('logs server errors at error level, so they show at the default level (warn); nothing else does', () => {
    const { lines, http } = capture('warn');
    for (const status of [200, 404, 503]) {
      const x = exchange('/api/v1/cases/1');
      http.track(x.req, x.res);
      x.finish(status);
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'request errored', res: { statusCode: 503 } });
  });

  it('says when the client went away before the answer, and does not log /health', () => {
    const { lines, http } = capture();
    const gone = exchange('/api/v1/cases/1');
    http.track(gone.req, gone.res);
    gone.res.emit('close');
    const health = exchange('/health');
    http.track(health.req, health.res);
    health.finish(200);
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
