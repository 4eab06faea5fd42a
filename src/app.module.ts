import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { WindowCounterStorage } from './common/window-throttler-storage';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from './config/app-config';
import { Keyring } from './crypto';
import { dataSourceOptions } from './database/data-source-options';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { AgenciesModule } from './agencies/agencies.module';
import { AuthGuard } from './auth/auth.guard';
import { AuthModule } from './auth/auth.module';
import { RolesGuard } from './auth/roles.decorator';
import { CasesModule } from './cases/cases.module';
import { HealthModule } from './health/health.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { UsersModule } from './users/users.module';
import { IdentificationModule } from './identification/identification.module';
import { ReceptionModule } from './reception/reception.module';
import { ReferralsModule } from './referrals/referrals.module';
import { ReportsModule } from './reports/reports.module';
import { ReferenceModule } from './reference/reference.module';
import { SupportModule } from './support/support.module';
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
        TypeOrmModule.forRoot(dataSourceOptions(runtime.databaseUrl, config.DB_POOL_SIZE, config.DB_POOL_IDLE_MS)),
        // Per-replica request throttling (a DoS guard); login lockout state lives in PostgreSQL.
        ThrottlerModule.forRoot({ throttlers: [{ ttl: config.THROTTLE_TTL_MS, limit: config.THROTTLE_LIMIT }], storage: new WindowCounterStorage() }),
        HealthModule,
        AuditModule,
        AccessModule,
        IdempotencyModule,
        CasesModule,
        ReferenceModule,
        SupportModule,
        ReceptionModule,
        IdentificationModule,
        ReportsModule,
        ReferralsModule,
        AuthModule,
        AgenciesModule,
        UsersModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        // Order matters: authenticate (sets req.actor), then check route roles.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RolesGuard },
      ],
    };
  }
}
