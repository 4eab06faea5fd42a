import type { AppConfig } from './config/app-config';
import type { Keyring } from './crypto';

/** What the process prepared before Nest starts: validated config, a migrated database and the keys. */
export interface Runtime {
  config: AppConfig;
  databaseUrl: string;
  keyring: Keyring;
}
