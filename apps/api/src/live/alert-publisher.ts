import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { loadConfig, REDIS } from '@xueliang/platform';
import { createSocketEmitter, RegionRooms, type SocketEmitter } from '@xueliang/queue';
import { publishAlertChanges, type PendingAlertChange } from '@xueliang/alerts';

/**
 * Pushes committed alert changes to consoles. It goes through the socket.io Redis emitter like
 * the alert-service does, so every api node's Redis adapter delivers it to its own sockets.
 */
@Injectable()
export class AlertPublisher {
  private readonly emitter: SocketEmitter;
  private readonly rooms: RegionRooms;

  constructor(@Inject(REDIS) redis: Redis, @InjectDataSource() db: DataSource) {
    this.emitter = createSocketEmitter(redis, loadConfig().REDIS_PREFIX);
    this.rooms = new RegionRooms(db);
  }

  publish(changes: PendingAlertChange[]): Promise<void> {
    return publishAlertChanges(this.emitter, this.rooms, changes);
  }
}
