import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';
import { closeRedis, createRedis } from '@xueliang/platform';
import { socketIoKey } from '@xueliang/queue';
import { isAllowedSocketOrigin } from './socket-origin';

/**
 * socket.io over the Redis adapter: a broadcast from any api node, or from the alert-service's
 * emitter, reaches the sockets of every node. Its pub/sub connections end with the app.
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly pub: Redis;
  private readonly sub: Redis;

  constructor(
    app: INestApplicationContext,
    redisUrl: string,
    private readonly prefix: string,
    private readonly consoleOrigins: readonly string[] = [],
  ) {
    super(app);
    this.pub = createRedis(redisUrl);
    this.sub = this.pub.duplicate();
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const origins = [...this.consoleOrigins];
    const allowRequest: ServerOptions['allowRequest'] = (req, callback) =>
      callback(null, isAllowedSocketOrigin(req.headers.origin, req.headers.host, origins));
    const server = super.createIOServer(port, {
      ...options,
      // CORS headers only tell a browser what it may read; allowRequest is what refuses a
      // handshake (polling or websocket) from a page of another origin.
      cors: origins.length ? { origin: origins, credentials: true } : undefined,
      allowRequest,
    }) as Server;
    server.adapter(createAdapter(this.pub, this.sub, { key: socketIoKey(this.prefix) }));
    this.resyncAfterRedisOutage(server);
    return server;
  }

  /**
   * Pushes published while this node's subscription was down are gone (pub/sub keeps nothing),
   * and a console cannot see the hole: once the subscription is back, every socket's connection is
   * closed, so each console reconnects and syncs from its last seq out of the database
   * (what it does after any reconnect). Closed before any new push is delivered, so no console
   * moves its last seq past a change it missed.
   */
  private resyncAfterRedisOutage(server: Server): void {
    let interrupted = false;
    this.sub.on('close', () => {
      interrupted = true;
    });
    this.sub.on('ready', () => {
      if (!interrupted) return;
      interrupted = false;
      // Closed at the transport, not with a disconnect packet: "io server disconnect" would tell
      // the client not to reconnect, a dropped connection makes it reconnect at once.
      for (const socket of server.of('/').sockets.values()) socket.conn.close();
    });
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    // Bounded: a QUIT queued for a Redis that is away would hold shutdown past its grace period.
    await Promise.all([closeRedis(this.pub), closeRedis(this.sub)]);
  }
}
