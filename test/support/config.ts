import { ConfigError, loadConfig } from '../../src/config/app-config';

/** The smallest environment loadConfig accepts outside production. */
export const TEST_CONFIG_ENV = { NODE_ENV: 'test', DATABASE_URL: 'postgres://unused/unused' };

/** Asserts that `value` for `variable` is refused at boot with a ConfigError that names the variable and never echoes the value. */
export function expectConfigRefused(variable: string, value: string): void {
  let error: unknown;
  try {
    loadConfig({ ...TEST_CONFIG_ENV, [variable]: value });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toContain(variable);
  expect((error as Error).message).not.toContain(value);
}
