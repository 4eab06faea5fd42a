import { expectConfigRefused, TEST_CONFIG_ENV as base } from '../../test/support/config';
import { createHttpAdapter } from '../bootstrap/configure-app';
import { loadConfig } from './app-config';

/** TRUST_PROXY names the proxies by address; a hop count cannot tell a proxy from a client connecting directly. */
describe('TRUST_PROXY', () => {
  it('defaults to no proxy: X-Forwarded-For is never believed', () => {
    expect(loadConfig(base).TRUST_PROXY).toEqual([]);
    expect(loadConfig({ ...base, TRUST_PROXY: '' }).TRUST_PROXY).toEqual([]);
  });

  it('takes addresses, CIDR ranges and proxy-addr names, comma-separated', () => {
    expect(loadConfig({ ...base, TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,loopback, fd00::/8, ::1' }).TRUST_PROXY).toEqual(['10.0.0.5', '10.1.0.0/16', 'loopback', 'fd00::/8', '::1']);
  });

  it.each(['1', 'true', '10.0.0.0/33', '10.0.0.0/8/1', 'proxy.example', '::1/129', '10.0.0.1,*'])('refuses %p at boot, naming the variable but not the value', (value) => {
    expectConfigRefused('TRUST_PROXY', value);
  });

  it('reaches Fastify as its address list, or as false when empty', async () => {
    const resolve = async (trust: string, from: string, xff: string) => {
      const adapter = createHttpAdapter(loadConfig({ ...base, TRUST_PROXY: trust }));
      const fastify = adapter.getInstance();
      fastify.get('/ip', async (req) => ({ ip: req.ip }));
      const res = await fastify.inject({ method: 'GET', url: '/ip', remoteAddress: from, headers: { 'x-forwarded-for': xff } });
      await fastify.close();
      return res.json().ip as string;
    };
    // From the listed proxy: the entry it appended is the client (the leftmost, client-chosen one is not).
    expect(await resolve('10.9.0.1', '10.9.0.1', '198.51.100.7, 203.0.113.9')).toBe('203.0.113.9');
    // From anyone else, or with no proxy listed: the socket's own address.
    expect(await resolve('10.9.0.1', '192.0.2.44', '203.0.113.9')).toBe('192.0.2.44');
    expect(await resolve('', '10.9.0.1', '203.0.113.9')).toBe('10.9.0.1');
  });
});
