import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import {
  LoginRequestSchema,
  type LoginRequest,
  type LoginResponse,
  type SessionUser,
} from '@xueliang/contracts';
import { AuthUser, CurrentUser, Public } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { AuthService, toSessionUser } from './auth.service';

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body(valid(LoginRequestSchema)) body: LoginRequest, @Ip() ip: string): Promise<LoginResponse> {
    return this.auth.login(body, ip);
  }

  @Get('me')
  me(@CurrentUser() user: AuthUser): SessionUser {
    return toSessionUser(user);
  }
}
