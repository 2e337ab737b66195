import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import type { AcceptedEvent, FailedEventView } from '@xueliang/contracts';
import { AuthUser, CurrentUser, Public, RequireRoles, rolesFor } from '@xueliang/auth';
import { IntakeService } from './intake.service';

/** Outside systems (12345 hotline, grid apps, departments) post RawEvents with their API key. */
@Controller('events')
export class EventsController {
  constructor(private readonly intake: IntakeService) {}

  @Post()
  @Public()
  @HttpCode(202)
  accept(@Headers('x-api-key') apiKey: string | undefined, @Body() body: unknown): Promise<AcceptedEvent> {
    return this.intake.acceptExternal(apiKey, body);
  }
}

/** Jobs the alert-service refused (bad input) or gave up on, kept for an admin to read and retry. */
@Controller('admin/failed-events')
@RequireRoles(...rolesFor('admin.manage'))
export class FailedEventsController {
  constructor(private readonly intake: IntakeService) {}

  @Get()
  list(): Promise<FailedEventView[]> {
    return this.intake.failedEvents();
  }

  @Post(':jobId/retry')
  @HttpCode(200)
  retry(@CurrentUser() user: AuthUser, @Param('jobId') jobId: string): Promise<{ jobId: string }> {
    return this.intake.retryFailed(jobId, user);
  }
}
