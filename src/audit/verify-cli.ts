import { Client } from 'pg';
import type { Keyring } from '../crypto';
import { readCheckpoints } from './checkpoints';
import { verifyChain, VerifyResult } from './verifier';

/** `npm run cli -- verify-audit [--full]`: the same verifier as GET /audit/verify, on its own connection. */
export async function verifyAuditCli(
  databaseUrl: string,
  keyring: Keyring,
  options: { mode: 'incremental' | 'full'; checkpointPath: string },
): Promise<VerifyResult> {
  // Checkpoints first, then the head (inside verifyChain): no checkpoint can then be newer than the head.
  const checkpoints = await readCheckpoints(options.checkpointPath, keyring.auditKey);
  const client = new Client({ connectionString: databaseUrl, application_name: 'vcm-verify-audit' });
  await client.connect();
  try {
    return await verifyChain(async (sql, params) => (await client.query(sql, params)).rows, keyring.auditKey, checkpoints, options.mode);
  } finally {
    await client.end();
  }
}
