import { createTestApp, TestApp } from './support/app';
import { bearer, createAgency, createUserAndLogin, TestUser } from './support/identity';

/** The global request throttle (WindowCounterStorage behind @nestjs/throttler): per client address. */
describe('request throttling', () => {
  let t: TestApp;
  let admin: TestUser;
  beforeAll(async () => {
    t = await createTestApp({ THROTTLE_LIMIT: '100', TRUST_PROXY: 'loopback' });
    admin = await createUserAndLogin(t, { role: 'SYSTEM_ADMIN', agencyId: (await createAgency(t, { type: 'SOCIAL_AFFAIRS' })).id });
  });
  afterAll(() => t?.close());

  const list = (from: string) => t.http().get('/api/v1/users').set(bearer(admin.token)).set('X-Forwarded-For', from);

  it('answers 429 problem+json with Retry-After once a client exceeds the limit; other clients are unaffected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 101; i++) statuses.push((await list('203.0.113.7')).status);
    expect(statuses.slice(0, 100).every((s) => s === 200)).toBe(true);
    expect(statuses[100]).toBe(429);
    const res = await list('203.0.113.7').expect(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 429, type: expect.stringMatching(/\/too-many-requests$/) });
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await list('203.0.113.8').expect(200);
  });
});
