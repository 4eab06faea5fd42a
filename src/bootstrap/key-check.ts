import { Client } from 'pg';
import type { Keyring } from '../crypto';

export class KeyMismatchError extends Error {}

/**
 * Compares the keyring with the fingerprints recorded in the database and records new versions.
 * A mismatch stops the process before anything is written with the wrong key.
 */
export async function checkKeyFingerprints(databaseUrl: string, keyring: Keyring): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('LOCK TABLE key_fingerprints IN SHARE ROW EXCLUSIVE MODE');
    const { rows } = await client.query<{ kind: string; version: number; fingerprint: string }>(
      'SELECT kind, version, fingerprint FROM key_fingerprints',
    );
    const stored = new Map(rows.map((r) => [`${r.kind}:${r.version}`, r.fingerprint]));
    const mismatched: string[] = [];
    for (const f of keyring.fingerprints()) {
      const known = stored.get(`${f.kind}:${f.version}`);
      if (known === undefined) {
        await client.query('INSERT INTO key_fingerprints (kind, version, fingerprint) VALUES ($1, $2, $3)', [f.kind, f.version, f.fingerprint]);
      } else if (known !== f.fingerprint) {
        mismatched.push(`${f.kind} v${f.version}`);
      }
    }
    if (mismatched.length) {
      await client.query('ROLLBACK');
      throw new KeyMismatchError(
        `The configured keys do not match the keys this database was written with (${mismatched.join(', ')}). ` +
          'Refusing to start: data written now could not be read with the right keys, and existing data cannot be read. ' +
          'Configure the original key file / MASTER_KEYS (see README "Keys").',
      );
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await client.end();
  }
}
