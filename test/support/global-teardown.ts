import { rmSync } from 'node:fs';
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, any>).__vcmTest;
  if (!state) return;
  if (state.cluster) {
    await state.cluster.stop();
    rmSync(state.dir, { recursive: true, force: true });
    return;
  }
  // External TEST_DATABASE_URL server: drop what this run created.
  const admin = new Client({ connectionString: state.adminUrl });
  await admin.connect();
  const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'vcm_t%' AND (datname = $1 OR datname LIKE $2)`, [
    state.template,
    `vcm_test_${state.template.split('_')[2]}_%`,
  ]);
  for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS "${r.datname}" WITH (FORCE)`);
  await admin.end();
}
