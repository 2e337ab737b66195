import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { regionIdsOnPath } from '@xueliang/db';
import { type AppConfig, closeRedis, createRedis, InjectConfig } from '@xueliang/platform';
import { createSocketEmitter, RegionRooms, type EmitterRedis, type SocketEmitter } from '@xueliang/queue';
import { publishAlertChanges, type PendingAlertChange } from '@xueliang/alerts';

/**
 * Pushes committed alert changes to consoles. It goes through the socket.io Redis emitter like
 * the alert-service does, so every api node's Redis adapter delivers it to its own sockets.
 *
 * The emitter does not wait for its PUBLISH. On the api's fail-fast request connection a push
 * during a Redis outage would be refused and, with nobody listening, take the process down; on a
 * connection of its own that keeps ioredis's offline queue, a push after a command committed
 * during an outage waits there and reaches the consoles once Redis is back.
 */
@Injectable()
export class AlertPublisher implements OnApplicationShutdown {
  private readonly log = new Logger('alert-publisher');
  private readonly redis: Redis;
  private readonly emitter: SocketEmitter;
  private readonly rooms: RegionRooms;

  constructor(@InjectDataSource() db: DataSource, @InjectConfig() config: AppConfig) {
    this.redis = createRedis(config.REDIS_URL);
    const queued: EmitterRedis = {
      publish: (channel: string, message: string | Buffer) =>
        this.redis.publish(channel, message).catch((error: Error) => {
          // Only at shutdown with Redis away: the push is dropped; consoles resync from their seq.
          this.log.warn(`alert push dropped: ${error.message}`);
          return 0;
        }),
    };
    this.emitter = createSocketEmitter(queued, config.REDIS_PREFIX);
    this.rooms = new RegionRooms((path) => regionIdsOnPath(db, path));
  }

  publish(changes: PendingAlertChange[]): Promise<void> {
    return publishAlertChanges(this.emitter, this.rooms, changes);
  }

  async onApplicationShutdown(): Promise<void> {
    await closeRedis(this.redis);
  }
}
