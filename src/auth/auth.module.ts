import { Module } from '@nestjs/common';
import { ActorCacheService } from './actor-cache';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginAdmission } from './login-admission';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';
import { SessionsService } from './sessions.service';
import { TokenService } from './tokens';

/** Login, tokens, sessions. The guards are registered globally (APP_GUARD) in AppModule. */
@Module({
  controllers: [AuthController],
  providers: [ActorCacheService, AuthService, AuthGuard, LoginAdmission, LoginThrottle, PasswordHasher, SessionsService, TokenService],
  exports: [ActorCacheService, AuthGuard, LoginAdmission, PasswordHasher, SessionsService, TokenService],
})
export class AuthModule {}
