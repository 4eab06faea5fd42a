import type { Client } from 'pg';
import type { Keyring } from './keyring.service';

/**
 * Re-wraps every data key that is not under the current KEK version, in small committed batches: field data
 * is never touched, a crash loses at most one uncommitted batch, and running it again resumes where it
 * stopped (the rows still on an old version are exactly the work left). SKIP LOCKED lets several runners
 * (replicas) share the work safely.
 */
export async function rotateDataKeys(client: Client, keyring: Keyring, opts: { batchSize?: number; onProgress?: (done: number) => void } = {}): Promise<number> {
  const current = keyring.currentKekVersion;
  const batchSize = opts.batchSize ?? 1000;
  let done = 0;
  for (;;) {
    await client.query('BEGIN');
    try {
      const { rows } = await client.query<{ owner_id: string; kek_version: number; wrapped: Buffer }>(
        `SELECT owner_id, kek_version, wrapped FROM data_keys WHERE kek_version <> $1 ORDER BY owner_id LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [current, batchSize],
      );
      if (rows.length === 0) {
        await client.query('COMMIT');
        return done;
      }
      const ids: string[] = [];
      const wrapped: Buffer[] = [];
      for (const r of rows) {
        const dataKey = keyring.unwrap(r.owner_id, r.wrapped, r.kek_version);
        ids.push(r.owner_id);
        wrapped.push(keyring.wrapKeyForOwner(r.owner_id, dataKey));
      }
      await client.query(
        `UPDATE data_keys d SET kek_version = $1, wrapped = u.wrapped FROM unnest($2::uuid[], $3::bytea[]) AS u(owner_id, wrapped) WHERE d.owner_id = u.owner_id`,
        [current, ids, wrapped],
      );
      await client.query('COMMIT');
      done += rows.length;
      opts.onProgress?.(done);
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }
}
