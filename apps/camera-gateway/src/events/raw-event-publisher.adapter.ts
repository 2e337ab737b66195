import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { CameraStatusMessage, RawEvent, RawEventSchema } from '@xueliang/contracts';
import { regionIdsOnPath } from '@xueliang/db';
import { type AppConfig, InjectConfig, InjectRedis } from '@xueliang/platform';
import {
  createSocketEmitter,
  enqueueRawEvent,
  eventsQueue,
  publishToRegionPath,
  RegionRooms,
  SocketEmitter,
} from '@xueliang/queue';

/**
 * The gateway's way out: RawEvents onto the events queue (the event id makes a re-delivery a
 * no-op) and camera.status pushes to consoles through the socket.io Redis emitter.
 */
@Injectable()
export class RawEventPublisher implements BeforeApplicationShutdown {
  private readonly queue: Queue<RawEvent>;
  private readonly emitter: SocketEmitter;
  private readonly rooms: RegionRooms;
  private readonly listeners = new Set<(event: RawEvent) => void>();

  constructor(
    @InjectRedis() redis: Redis,
    @InjectDataSource() db: DataSource,
    @InjectConfig() config: AppConfig,
  ) {
    const prefix = config.REDIS_PREFIX;
    this.queue = eventsQueue(redis, prefix);
    this.emitter = createSocketEmitter(redis, prefix);
    this.rooms = new RegionRooms((path) => regionIdsOnPath(db, path));
  }

  /** To the region's room and every ancestor's, like alerts. */
  async cameraStatus(regionPath: string, message: CameraStatusMessage): Promise<void> {
    await publishToRegionPath(this.emitter, this.rooms, regionPath, 'camera.status', message);
  }

  async publish(event: RawEvent): Promise<void> {
    const parsed = RawEventSchema.parse(event);
    await enqueueRawEvent(this.queue, parsed);
    for (const listener of this.listeners) listener(parsed);
  }

  /** In-process listeners of every published event (the recorder's events mode). */
  onPublished(listener: (event: RawEvent) => void): void {
    this.listeners.add(listener);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
