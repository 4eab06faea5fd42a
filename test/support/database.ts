import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { withDatabase } from './global-setup';

function admin(): { url: string; template: string } {
  const url = process.env.VCM_TEST_ADMIN_URL;
  const template = process.env.VCM_TEST_TEMPLATE;
  if (!url || !template) throw new Error('Test database not prepared: run through jest (globalSetup).');
  return { url, template };
}

/** A fresh database cloned from the migrated template; dropped by `dropTestDatabase`. */
export async function createTestDatabase(): Promise<{ name: string; url: string }> {
  const { url, template } = admin();
  const name = `vcm_test_${template.split('_')[2]}_${randomBytes(5).toString('hex')}`;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await client.end();
  }
  return { name, url: withDatabase(url, name) };
}

export async function dropTestDatabase(name: string): Promise<void> {
  const client = new Client({ connectionString: admin().url });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
