import { loadConfig } from '../config/app-config';
import { expectConfigRefused, TEST_CONFIG_ENV as base } from '../../test/support/config';
import { dataSourceOptions } from './data-source-options';

/** The pool's idle timeout: configurable, validated, and actually handed to node-postgres. */
describe('DB_POOL_IDLE_MS', () => {
  const extraOf = (idle: number) => (dataSourceOptions('postgres://unused/unused', 7, idle) as { extra: Record<string, unknown> }).extra;

  it('defaults to five minutes and reaches the pool with its size', () => {
    const config = loadConfig(base);
    expect(config.DB_POOL_IDLE_MS).toBe(300_000);
    expect(extraOf(config.DB_POOL_IDLE_MS)).toMatchObject({ max: 7, idleTimeoutMillis: 300_000 });
  });

  it('accepts 0 (never close) and rejects negative or non-numeric values, naming the variable and not the value', () => {
    expect(extraOf(loadConfig({ ...base, DB_POOL_IDLE_MS: '0' }).DB_POOL_IDLE_MS).idleTimeoutMillis).toBe(0);
    for (const bad of ['-1', 'soon']) expectConfigRefused('DB_POOL_IDLE_MS', bad);
  });

  it('keeps node-postgres\' short default for the CLI and migrations (short-lived pools)', () => {
    expect((dataSourceOptions('postgres://unused/unused', 2) as { extra: Record<string, unknown> }).extra.idleTimeoutMillis).toBe(10_000);
  });
});
