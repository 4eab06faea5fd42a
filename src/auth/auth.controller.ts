import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems } from '../common/api-problems.decorator';
import type { Actor } from './actor';
import { AuthService } from './auth.service';
import { clientAddress } from './client-address';
import { clientGoneSignal } from './client-gone';
import { CurrentActor } from './current-actor.decorator';
import { ChangePasswordDto, LoginDto, RefreshDto, TokenResponse } from './dto/auth.dto';
import { AllowPasswordChangePending, Public } from './public.decorator';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('login')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in with username and password' })
  @ApiResponse({ status: 200, type: TokenResponse, description: 'Tokens (Cache-Control: no-store)' })
  @ApiProblems(400, 401, 415, 429)
  login(@Body() dto: LoginDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) res: FastifyReply): Promise<TokenResponse> {
    return this.auth.login(dto, clientAddress(req), clientGoneSignal(res.raw));
  }

  @Post('refresh')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate a refresh token (single use; reusing an old one revokes the session)' })
  @ApiResponse({ status: 200, type: TokenResponse })
  @ApiProblems(400, 401, 415, 429)
  refresh(@Body() dto: RefreshDto): Promise<TokenResponse> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @AllowPasswordChangePending()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Revoke the current session (its access and refresh tokens stop working at once)' })
  @ApiNoContentResponse()
  @ApiProblems(401, 429)
  logout(@CurrentActor() actor: Actor): Promise<void> {
    return this.auth.logout(actor);
  }

  @Post('password')
  @HttpCode(204)
  @AllowPasswordChangePending()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change the password (required after a one-time password); revokes the other sessions' })
  @ApiNoContentResponse()
  @ApiProblems(400, 401, 415, 422, 429)
  changePassword(@CurrentActor() actor: Actor, @Body() dto: ChangePasswordDto, @Req() req: FastifyRequest): Promise<void> {
    return this.auth.changePassword(actor, dto, clientAddress(req));
  }
}
