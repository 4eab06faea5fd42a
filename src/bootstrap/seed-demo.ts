import type { AgencyType } from '../agencies/agency-types';
import type { Role } from '../access/roles';
import { IdentityServices, openIdentityServices } from '../users/identity-services';
import type { PreparedRuntime } from './prepare-runtime';

type Say = (message: string) => void;

/** Demo agencies: one per type, in Lạng Sơn (province 20), a border province with the Hữu Nghị gate. */
export const DEMO_AGENCIES: Record<AgencyType, string> = {
  SOCIAL_AFFAIRS: 'Phòng Bảo trợ xã hội — Sở Y tế Lạng Sơn',
  POLICE: 'Công an tỉnh Lạng Sơn',
  BORDER_GUARD: 'Đồn Biên phòng cửa khẩu Hữu Nghị',
  LEGAL_AID: 'Trung tâm Trợ giúp pháp lý tỉnh Lạng Sơn',
  HEALTH: 'Bệnh viện Đa khoa tỉnh Lạng Sơn',
  COMMUNE_PC: 'Ủy ban nhân dân xã Đồng Đăng',
  SHELTER: 'Trung tâm Công tác xã hội tỉnh Lạng Sơn (cơ sở hỗ trợ nạn nhân)',
  FOREIGN_AFFAIRS: 'Sở Ngoại vụ tỉnh Lạng Sơn',
  STEERING_COMMITTEE: 'Ban Chỉ đạo phòng, chống tội phạm tỉnh Lạng Sơn',
};

export const DEMO_USERS: Array<{ username: string; role: Role; agency: AgencyType }> = [
  { username: 'demo.caseworker', role: 'CASEWORKER', agency: 'SOCIAL_AFFAIRS' },
  { username: 'demo.supervisor', role: 'SUPERVISOR', agency: 'SOCIAL_AFFAIRS' },
  { username: 'demo.border', role: 'BORDER_GUARD', agency: 'BORDER_GUARD' },
  { username: 'demo.police', role: 'POLICE_OFFICER', agency: 'POLICE' },
  { username: 'demo.legalaid', role: 'LEGAL_AID_OFFICER', agency: 'LEGAL_AID' },
  { username: 'demo.health', role: 'HEALTH_WORKER', agency: 'HEALTH' },
  { username: 'demo.statistician', role: 'STATISTICIAN', agency: 'STEERING_COMMITTEE' },
  { username: 'demo.auditor', role: 'AUDITOR', agency: 'STEERING_COMMITTEE' },
  { username: 'demo.admin', role: 'SYSTEM_ADMIN', agency: 'SOCIAL_AFFAIRS' },
];

/**
 * Creates the demo agencies and users that are missing (through the same services as the API) and prints
 * the new users' one-time passwords ONCE through `say` — never through the logger. Returns how many users
 * were created.
 */
export async function seedDemo(services: Pick<IdentityServices, 'agencies' | 'users'>, say: Say): Promise<number> {
  const agencyIds = {} as Record<AgencyType, string>;
  for (const [type, name] of Object.entries(DEMO_AGENCIES) as Array<[AgencyType, string]>) {
    const existing = await services.agencies.findByName(name);
    agencyIds[type] = existing?.id ?? (await services.agencies.create(null, { name, type, provinceCode: '20' })).id;
  }
  const created: Array<{ username: string; role: Role; password: string }> = [];
  for (const u of DEMO_USERS) {
    if (await services.users.findByUsername(u.username)) continue;
    const user = await services.users.create(null, { username: u.username, role: u.role, agencyId: agencyIds[u.agency] });
    created.push({ username: u.username, role: u.role, password: user.oneTimePassword! });
  }
  if (created.length) say(passwordTable(created));
  return created.length;
}

function passwordTable(rows: Array<{ username: string; role: Role; password: string }>): string {
  const w = [Math.max(8, ...rows.map((r) => r.username.length)), Math.max(4, ...rows.map((r) => r.role.length))];
  const line = (a: string, b: string, c: string) => `  ${a.padEnd(w[0])}  ${b.padEnd(w[1])}  ${c}`;
  return [
    '',
    'Demo users (agencies in Lạng Sơn). One-time passwords, shown ONLY NOW — each must be changed at first login',
    '(POST /api/v1/auth/password). Demo data is for development only.',
    '',
    line('username', 'role', 'one-time password'),
    line('-'.repeat(w[0]), '-'.repeat(w[1]), '-'.repeat(23)),
    ...rows.map((r) => line(r.username, r.role, r.password)),
    '',
  ].join('\n');
}

/** Seeds the demo data on first start: only when the database has no users at all. */
export async function seedDemoIfEmpty(runtime: Pick<PreparedRuntime, 'config' | 'databaseUrl' | 'keyring'>, say: Say): Promise<void> {
  const services = await openIdentityServices(runtime.databaseUrl, runtime.config, runtime.keyring);
  try {
    if ((await services.users.count()) > 0) return;
    const n = await seedDemo(services, say);
    if (n) say(`Seeded ${n} demo users.`);
  } finally {
    await services.close();
  }
}
