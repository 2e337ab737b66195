import { Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Server, Socket } from 'socket.io';
import { DataSource } from 'typeorm';
import {
  regionRoom,
  type AlertChangeMessage,
  type AlertView,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SyncRequest,
  type SyncResult,
} from '@xueliang/contracts';
import { escapeLike, SessionService, type AuthUser } from '@xueliang/auth';

interface SocketData {
  user?: AuthUser;
}
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** A sync returns at most this many changes; more means the console should reload its list. */
export const SYNC_LIMIT = 500;

/**
 * Live push. The handshake carries `auth: { token }` (the REST access token); the socket joins
 * the room of the user's home region, and alert changes are emitted to the rooms of the
 * alert's region and every ancestor, so a township sees its own, the county sees all.
 */
// Origins and CORS are the adapter's (RedisIoAdapter, CONSOLE_ORIGINS).
@WebSocketGateway()
export class LiveGateway implements OnGatewayInit, OnGatewayConnection {
  private readonly logger = new Logger('live');

  constructor(
    private readonly sessions: SessionService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  afterInit(
    server: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>,
  ): void {
    server.use((socket, next) => {
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      const token = typeof auth?.token === 'string' ? auth.token : undefined;
      this.sessions.authenticate(token).then(
        (user) => {
          socket.data.user = user;
          next();
        },
        (err: unknown) => next(new Error(err instanceof Error ? err.message : 'unauthorised')),
      );
    });
  }

  async handleConnection(socket: LiveSocket): Promise<void> {
    const user = socket.data.user;
    if (!user) {
      socket.disconnect(true);
      return;
    }
    await socket.join(regionRoom(user.regionId));
    this.logger.debug(`${user.username} connected (${socket.id})`);
  }

  /** Everything since `since` that the user's region scope may see, in seq order. */
  @SubscribeMessage('sync')
  async sync(
    @ConnectedSocket() socket: LiveSocket,
    @MessageBody() body: SyncRequest | undefined,
  ): Promise<SyncResult> {
    const user = socket.data.user;
    if (!user) return { changes: [], truncated: false, lastSeq: '0' };
    const since = typeof body?.since === 'string' && /^\d{1,18}$/.test(body.since) ? body.since : null;
    if (since === null) {
      const [row] = (await this.db.query('SELECT COALESCE(MAX(seq), 0)::text AS seq FROM alert_changes')) as {
        seq: string;
      }[];
      return { changes: [], truncated: false, lastSeq: row.seq };
    }
    const rows = (await this.db.query(
      `SELECT seq::text AS seq, event, payload FROM alert_changes
        WHERE seq > $1 AND region_path LIKE $2 ORDER BY seq LIMIT $3`,
      [since, `${escapeLike(user.regionPath)}%`, SYNC_LIMIT + 1],
    )) as { seq: string; event: 'alert.created' | 'alert.updated'; payload: AlertView }[];
    const truncated = rows.length > SYNC_LIMIT;
    const kept = truncated ? rows.slice(0, SYNC_LIMIT) : rows;
    const changes = kept.map((r) => ({
      event: r.event,
      message: { seq: r.seq, alert: r.payload } satisfies AlertChangeMessage,
    }));
    return { changes, truncated, lastSeq: kept.length ? kept[kept.length - 1].seq : since };
  }
}
