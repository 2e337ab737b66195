import {
  Body,
  Controller,
  Get,
  HttpCode,
  Ip,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import {
  AlertCommandSchemas,
  AlertQuerySchema,
  RaiseAlertSchema,
  type AlertCommand,
  type AlertCommandBody,
  type AlertDetailView,
  type AlertQuery,
  type AlertView,
  type Page,
  type QueuedEvent,
  type RaiseAlert,
} from '@xueliang/contracts';
import { AuthUser, CurrentUser, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { AlertsService } from './alerts.service';

function isCommand(value: string): value is AlertCommand {
  return Object.prototype.hasOwnProperty.call(AlertCommandSchemas, value);
}

@Controller('alerts')
@RequireRoles(...rolesFor('alert.view'))
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @Get()
  list(
    @CurrentUser() user: AuthUser,
    @Query(valid(AlertQuerySchema)) q: AlertQuery,
  ): Promise<Page<AlertView>> {
    return this.alerts.list(user, q);
  }

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<AlertDetailView> {
    return this.alerts.get(user, id);
  }

  /** 201 with the alert once the alert-service made it (normally milliseconds), else 202 queued. */
  @Post()
  @RequireRoles(...rolesFor('alert.raise'))
  async raise(
    @CurrentUser() user: AuthUser,
    @Body(valid(RaiseAlertSchema)) body: RaiseAlert,
    @Res({ passthrough: true }) res: Response,
  ): Promise<AlertView | QueuedEvent> {
    const result = await this.alerts.raise(user, body);
    res.status('status' in result && result.status === 'queued' ? 202 : 201);
    return result;
  }

  /** POST /api/alerts/:id/{ack,dispatch,accept,arrive,resolve,follow-up,close,dismiss,escalate,reopen,comment} */
  @Post(':id/:command')
  @HttpCode(200)
  command(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('command') command: string,
    @Body() body: unknown,
    @Ip() ip: string,
  ): Promise<AlertView> {
    if (!isCommand(command)) throw new NotFoundException(`no alert command ${command}`);
    const parsed = valid(AlertCommandSchemas[command]).transform(body) as AlertCommandBody<AlertCommand>;
    return this.alerts.command(user, id, command, parsed, ip);
  }
}
