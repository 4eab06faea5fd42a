import { DataSource } from 'typeorm';
import { AgenciesService } from '../agencies/agencies.service';
import { AuditService } from '../audit';
import { ActorCacheService } from '../auth/actor-cache';
import { PasswordHasher } from '../auth/password-hasher';
import { SessionsService } from '../auth/sessions.service';
import { TokenService } from '../auth/tokens';
import { AppConfig } from '../config/app-config';
import type { Keyring } from '../crypto';
import { dataSourceOptions } from '../database/data-source-options';
import { UsersService } from './users.service';

export interface IdentityServices {
  agencies: AgenciesService;
  users: UsersService;
  /** Closes the DataSource opened by `openIdentityServices`. */
  close: () => Promise<void>;
}

/**
 * The same services the HTTP API uses, wired by hand for the CLI and the demo seed (no Nest container, no
 * HTTP stack): one set of rules for every entry point.
 */
export function identityServices(db: DataSource, config: AppConfig, keyring: Keyring): Omit<IdentityServices, 'close'> {
  // No process-local auth cache here (never started: the CLI serves no requests); the database's change
  // notifications tell the running app instances about what the CLI changes.
  const sessions = new SessionsService(db, new TokenService(config, keyring), new ActorCacheService(db, config));
  // Writes only (append in the caller's transaction): the group-commit writer for reads is not needed here.
  const audit = new AuditService(db, keyring, config);
  return { agencies: new AgenciesService(db, audit), users: new UsersService(db, new PasswordHasher(config), sessions, audit) };
}

export async function openIdentityServices(databaseUrl: string, config: AppConfig, keyring: Keyring): Promise<IdentityServices> {
  const db = new DataSource(dataSourceOptions(databaseUrl, 2));
  await db.initialize();
  return { ...identityServices(db, config, keyring), close: () => db.destroy() };
}
