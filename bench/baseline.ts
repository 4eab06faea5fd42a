import { Body, Controller, Get, Module, Param, Post, Query } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { v7 as uuidv7 } from 'uuid';

/**
 * The raw-SQL limit each scenario is compared with: the same rows through the same HTTP stack (NestJS on
 * Express), without crypto, authorization or audit. Lives only in the bench harness, never in the product.
 */
export function baselineModule(pool: Pool) {
  @Controller('baseline')
  class BaselineController {
    @Get('case/:id')
    async read(@Param('id') id: string) {
      const [c] = (await pool.query('SELECT * FROM cases WHERE id = $1', [id])).rows;
      const persons = (await pool.query('SELECT * FROM persons WHERE case_id = $1', [id])).rows;
      return { ...c, persons };
    }

    @Get('cases')
    async page(@Query('agency') agency: string) {
      return (await pool.query('SELECT * FROM cases WHERE owner_agency_id = $1 ORDER BY id DESC LIMIT 50', [agency])).rows;
    }

    @Post('case')
    async create(@Body() body: { agency: string; user: string }) {
      const id = uuidv7();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO cases (id, case_number, owner_agency_id, province_code, channel, received_at, created_by) VALUES ($1, $2, $3, '20', 'HOTLINE_111', now(), $4)`,
          [id, `B-${id}`, body.agency, body.user],
        );
        for (const [kind, ordinal] of [['VICTIM', 0], ['ACCOMPANYING_MINOR', 1]] as const) {
          await client.query(`INSERT INTO persons (id, case_id, kind, ordinal, sex, nationality, full_name_enc) VALUES ($1, $2, $3, $4, 'FEMALE', 'VN', $5)`, [uuidv7(), id, kind, ordinal, randomBytes(48)]);
        }
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      } finally {
        client.release();
      }
      return { id };
    }

    @Get('dup')
    async dup(@Query('value') value: string) {
      return (await pool.query(`SELECT person_id, case_id FROM person_blind_indexes WHERE kind = 'name' AND value = $1`, [Number(value)])).rows;
    }

    @Get('summary')
    async summary(@Query('from') from: string, @Query('to') to: string) {
      return (
        await pool.query(
          `SELECT c.channel, p.sex, p.age_band, count(*) FROM cases c JOIN persons p ON p.case_id = c.id AND p.kind = 'VICTIM'
            WHERE c.province_code = '20' AND c.received_at >= $1 AND c.received_at < $2 GROUP BY GROUPING SETS ((), (c.channel), (p.sex), (p.age_band))`,
          [from, to],
        )
      ).rows;
    }
  }

  @Module({ controllers: [BaselineController] })
  class BaselineModule {}
  return BaselineModule;
}
