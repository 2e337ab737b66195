import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { RawEvent } from '@xueliang/contracts';
import { type AppConfig, InjectConfig, REDIS } from '@xueliang/platform';
import { enqueueRawEvent, eventsQueue, slaQueue, type SlaCheckJob } from '@xueliang/queue';
import { cancelSettledSlaChecks, type StageTimes } from '@xueliang/alerts';

/** The api's side of the BullMQ queues: it produces raw events and cancels met SLA checks. */
@Injectable()
export class AlertQueues implements OnApplicationShutdown {
  readonly events: Queue<RawEvent>;
  readonly sla: Queue<SlaCheckJob>;

  constructor(@Inject(REDIS) redis: Redis, @InjectConfig() config: AppConfig) {
    const prefix = config.REDIS_PREFIX;
    this.events = eventsQueue(redis, prefix);
    this.sla = slaQueue(redis, prefix);
  }

  enqueue(event: RawEvent): Promise<void> {
    return enqueueRawEvent(this.events, event);
  }

  cancelSettled(alert: StageTimes & { id: string }): Promise<void> {
    return cancelSettledSlaChecks(this.sla, alert);
  }

  async onApplicationShutdown(): Promise<void> {
    // Shutting down: a queue whose Redis connection already ended has nothing left to close.
    await Promise.all([this.events.close(), this.sla.close()]).catch(() => undefined);
  }
}
