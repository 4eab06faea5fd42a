import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from './config/app-config';
import { Keyring } from './crypto';
import { dataSourceOptions } from './database/data-source-options';
import { AccessModule } from './access/access.module';
import { CasesModule } from './cases/cases.module';
import { HealthModule } from './health/health.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { loggerModule } from './logging/logger.module';
import { Runtime } from './runtime';

/** Makes the prepared runtime (config, keyring) injectable everywhere. */
@Global()
@Module({})
class RuntimeModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: RuntimeModule,
      providers: [
        { provide: AppConfig, useValue: runtime.config },
        { provide: Keyring, useValue: runtime.keyring },
      ],
      exports: [AppConfig, Keyring],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(runtime: Runtime): DynamicModule {
    const { config } = runtime;
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot(runtime),
        loggerModule(config),
        TypeOrmModule.forRoot(dataSourceOptions(runtime.databaseUrl, config.DB_POOL_SIZE)),
        // Per-replica request throttling (a DoS guard); login lockout state lives in PostgreSQL.
        ThrottlerModule.forRoot([{ ttl: config.THROTTLE_TTL_MS, limit: config.THROTTLE_LIMIT }]),
        HealthModule,
        AccessModule,
        IdempotencyModule,
        CasesModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
    };
  }
}
