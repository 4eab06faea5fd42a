import { TEST_CONFIG_ENV } from '../../test/support/config';
import { testKeyMaterial } from '../../test/support/app';
import { loadConfig } from '../config/app-config';
import { Keyring } from '../crypto';
import { TokenService, VerifiedTokens } from './tokens';

const claims = { sub: '0193a000-0000-7000-8000-000000000001', sid: '0193a000-0000-7000-8000-000000000002', tv: 3 };

describe('TokenService.verifyAccess (with its verified-token cache)', () => {
  const config = loadConfig({ ...TEST_CONFIG_ENV, ACCESS_TOKEN_TTL_SECONDS: '60' });
  const tokens = new TokenService(config, Keyring.fromMaterial(testKeyMaterial()));

  afterEach(() => jest.useRealTimers());

  it('answers a token it verified before the same way — and refuses it once expired, though it was remembered', () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z') });
    const token = tokens.signAccess(claims);
    expect(tokens.verifyAccess(token)).toEqual(claims);
    expect(tokens.verifyAccess(token)).toEqual(claims);
    jest.setSystemTime(new Date('2026-12-01T10:00:59.999Z'));
    expect(tokens.verifyAccess(token)).toEqual(claims);
    jest.setSystemTime(new Date('2026-12-01T10:01:00Z')); // exp = iat + 60 s
    expect(tokens.verifyAccess(token)).toBeNull();
  });

  it('refuses a token that differs in one character from a remembered one, and one signed with another key', () => {
    const token = tokens.signAccess(claims);
    expect(tokens.verifyAccess(token)).toEqual(claims);
    const [head, body, sig] = token.split('.');
    const flipped = `${head}.${body}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(tokens.verifyAccess(flipped)).toBeNull();
    const other = new TokenService(config, Keyring.fromMaterial(testKeyMaterial('-other'))).signAccess(claims);
    expect(tokens.verifyAccess(other)).toBeNull();
  });
});

describe('VerifiedTokens', () => {
  it('forgets an entry at its expiry and the oldest entry when full', () => {
    let now = 1_000;
    const cache = new VerifiedTokens(2, () => now);
    cache.set('a', claims, 2_000);
    cache.set('b', claims, 5_000);
    expect(cache.get('a')).toEqual(claims);
    now = 2_000;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(1);
    cache.set('c', claims, 5_000);
    cache.set('d', claims, 5_000); // full: 'b', the oldest, goes
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('c')).toEqual(claims);
    expect(cache.get('d')).toEqual(claims);
    expect(cache.size).toBe(2);
  });
});
