import { randomBytes } from 'node:crypto';
import type { Role } from '../../src/access/roles';
import type { AgencyType } from '../../src/agencies/agency-types';
import { AgenciesService } from '../../src/agencies/agencies.service';
import { UsersService } from '../../src/users/users.service';
import type { TestApp } from './app';

/**
 * Identity fixtures for e2e tests, made through the real services (no SQL shortcuts, no forged tokens):
 * agencies and users are created as the local operator, and tokens come from a real POST /auth/login.
 */

export interface TestUser {
  userId: string;
  username: string;
  password: string;
  /** Access token (Bearer). */
  token: string;
  refreshToken: string;
  agencyId: string;
  role: Role;
}

const suffix = () => randomBytes(5).toString('hex');

export async function createAgency(t: TestApp, opts: { type: AgencyType | string; provinceCode?: string; name?: string }): Promise<{ id: string }> {
  return t.app.get(AgenciesService).create(null, {
    name: opts.name ?? `Test ${opts.type} ${suffix()}`,
    type: opts.type as AgencyType,
    provinceCode: opts.provinceCode ?? '20',
  });
}

/** Creates an active user with a permanent password (no change-password step) and logs in over HTTP. */
/** `role` accepts a plain string so table-driven tests can pass their rows; the service validates it. */
export async function createUserAndLogin(t: TestApp, opts: { role: Role | string; agencyId: string; username?: string }): Promise<TestUser> {
  const role = opts.role as Role;
  const username = opts.username ?? `t.${opts.role.toLowerCase()}.${suffix()}`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  const user = await t.app.get(UsersService).create(null, { username, role, agencyId: opts.agencyId, password }, { permanent: true });
  const res = await t.http().post('/api/v1/auth/login').send({ username, password });
  if (res.status !== 200) throw new Error(`test login failed with ${res.status}`);
  return { userId: user.id, username, password, token: res.body.accessToken, refreshToken: res.body.refreshToken, agencyId: opts.agencyId, role };
}

/** An agency plus a SYSTEM_ADMIN in it; returns the admin's access token. */
export async function bootstrapAdmin(t: TestApp): Promise<string> {
  return (await createAdmin(t)).token;
}

/** Like bootstrapAdmin, with the whole user (id, agency, credentials). */
export async function createAdmin(t: TestApp): Promise<TestUser> {
  const agency = await createAgency(t, { type: 'SOCIAL_AFFAIRS' });
  return createUserAndLogin(t, { role: 'SYSTEM_ADMIN', agencyId: agency.id });
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
