import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { userRoom } from '@xueliang/contracts';
import { type AppConfig, InjectConfig, REDIS } from '@xueliang/platform';
import { createSocketEmitter, type SocketEmitter } from '@xueliang/queue';

/**
 * Ends a user's live sockets when their sessions are revoked (disabled, new password, roles or
 * region). It goes through the socket.io Redis emitter, so the Redis adapter of every api node
 * disconnects its own sockets of that user; the console then signs in again.
 */
@Injectable()
export class LiveSessions {
  private readonly emitter: SocketEmitter;

  constructor(@Inject(REDIS) redis: Redis, @InjectConfig() config: AppConfig) {
    this.emitter = createSocketEmitter(redis, config.REDIS_PREFIX);
  }

  end(userId: string): void {
    this.emitter.in(userRoom(userId)).disconnectSockets(true);
  }
}
