import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fingerprints (HMACs of a fixed label, not the keys) of every key version the data was written with.
 * The app refuses to start when its keys do not match: a wrong key must never write unreadable data.
 */
export class KeyFingerprints1764000000000 implements MigrationInterface {
  name = 'KeyFingerprints1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE key_fingerprints (
        kind        text        NOT NULL CHECK (kind IN ('kek', 'blind-index', 'audit', 'token')),
        version     integer     NOT NULL CHECK (version > 0),
        fingerprint text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE key_fingerprints');
  }
}
