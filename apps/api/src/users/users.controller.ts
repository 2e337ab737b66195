import { Body, Controller, Get, Ip, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import {
  CreateUserSchema,
  RoleSchema,
  UpdateUserSchema,
  type CreateUser,
  type UpdateUser,
  type UserView,
} from '@xueliang/contracts';
import { AuthUser, CurrentUser, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { UsersService } from './users.service';

const UserQuerySchema = z.object({ role: RoleSchema.optional(), regionId: z.uuid().optional() });

@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** Admins manage users; dispatchers and supervisors list responders to dispatch to. */
  @Get()
  @RequireRoles('admin', 'dispatcher', 'supervisor')
  list(@CurrentUser() user: AuthUser, @Query(valid(UserQuerySchema)) query: z.infer<typeof UserQuerySchema>) {
    return this.users.list(user, query);
  }

  @Get(':id')
  @RequireRoles(...rolesFor('admin.manage'))
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<UserView> {
    return this.users.get(user, id);
  }

  @Post()
  @RequireRoles(...rolesFor('admin.manage'))
  create(
    @CurrentUser() user: AuthUser,
    @Body(valid(CreateUserSchema)) body: CreateUser,
    @Ip() ip: string,
  ): Promise<UserView> {
    return this.users.create(user, body, ip);
  }

  @Patch(':id')
  @RequireRoles(...rolesFor('admin.manage'))
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body(valid(UpdateUserSchema)) body: UpdateUser,
    @Ip() ip: string,
  ): Promise<UserView> {
    return this.users.update(user, id, body, ip);
  }
}
