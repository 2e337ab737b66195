import { Global, Module } from '@nestjs/common';
import { AlertQueues } from './alert-queues';
import { EventsController, FailedEventsController } from './intake.controller';
import { IntakeService } from './intake.service';

@Global()
@Module({
  controllers: [EventsController, FailedEventsController],
  providers: [AlertQueues, IntakeService],
  exports: [AlertQueues, IntakeService],
})
export class IntakeModule {}
