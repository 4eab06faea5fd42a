import { types } from 'pg';
import { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations';
import { entities } from './entities';

// SQL `date` values stay 'YYYY-MM-DD' strings: parsing them into a Date at local midnight shifts days.
types.setTypeParser(types.builtins.DATE, (value: string) => value);

/** One place that says how the app, the CLI and the tests talk to PostgreSQL. Never `synchronize`. */
export function dataSourceOptions(url: string, poolSize = 20, idleTimeoutMs = 10_000): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    // plan_cache_mode affects only NAMED prepared statements, i.e. the hot path's (database/raw-query.ts);
    // TypeORM's unnamed statements are planned per execution as before. See raw-query.ts for why.
    extra: { max: poolSize, idleTimeoutMillis: idleTimeoutMs, application_name: 'vcm', options: '-c plan_cache_mode=force_generic_plan' },
  };
}
