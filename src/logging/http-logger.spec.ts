import { Writable } from 'node:stream';
import { createHttpLogger, PinoNestLogger } from './http-logger';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const http = createHttpLogger({ NODE_ENV: 'development', LOG_LEVEL: 'info' }, sink);
  return { lines, nest: new PinoNestLogger(http.logger) };
}

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
