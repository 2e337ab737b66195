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
  userRoom,
  type AlertChangeMessage,
  type AlertView,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SyncRequest,
  type SyncResult,
} from '@xueliang/contracts';
import { inSubtree, SessionService, type AuthUser } from '@xueliang/auth';

interface SocketData {
  user?: AuthUser;
  /** The handshake's access token, checked again on every sync. */
  token?: string;
  /** When that token expires (ms since the epoch): the socket ends then. */
  expiresAt?: number;
}
type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** setTimeout's longest delay; the expiry timer re-arms for tokens that live longer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A sync returns at most this many changes; more means the console should reload its list. */
const SYNC_LIMIT = 500;

/**
 * Seqs are taken inside the writing transactions, so a change can commit after a higher-numbered
 * one was already pushed. If its own push is lost (Redis died, the socket was away), a sync
 * "after my highest seq" could never return it. So a sync also replays the changes just below
 * `since` that were written within SYNC_LOOKBACK_SECONDS of it (at most SYNC_LOOKBACK_ROWS of
 * them, fewer than SYNC_LIMIT so a sync always makes progress); consoles merge by alert version,
 * so a replayed change they already hold is a no-op.
 */
const SYNC_LOOKBACK_ROWS = 200;
const SYNC_LOOKBACK_SECONDS = 60;

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
          socket.data.token = token;
          socket.data.expiresAt = token ? this.sessions.expiresAt(token) : Date.now();
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
    // A socket lives no longer than its session: it ends when the token expires, and when the
    // user's sessions are revoked (LiveSessions disconnects the user's room on every node).
    const expiresAt = socket.data.expiresAt ?? 0;
    let expiry: NodeJS.Timeout | undefined;
    const arm = (): void => {
      const left = expiresAt - Date.now();
      if (left <= 0) socket.disconnect(true);
      // unref: a pending expiry must not keep a stopping process alive.
      else expiry = setTimeout(arm, Math.min(left, MAX_TIMER_MS)).unref();
    };
    arm();
    socket.once('disconnect', () => clearTimeout(expiry));
    await socket.join([regionRoom(user.regionId), userRoom(user.id)]);
    // A revocation that landed between the handshake's check and the join missed this socket.
    // A rejection is the refusal itself (revoked, expired, disabled): fail closed.
    if (!(await this.sessions.authenticate(socket.data.token).catch(() => undefined))) {
      socket.disconnect(true);
      return;
    }
    this.logger.debug(`${user.username} connected (${socket.id})`);
  }

  /** Everything since `since` that the user's region scope may see, in seq order. */
  @SubscribeMessage('sync')
  async sync(
    @ConnectedSocket() socket: LiveSocket,
    @MessageBody() body: SyncRequest | undefined,
  ): Promise<SyncResult> {
    // The session is checked again, so a socket whose revocation signal was lost still stops here;
    // a rejection is the refusal itself (fail closed).
    const user = await this.sessions.authenticate(socket.data.token).catch(() => undefined);
    if (!user) {
      socket.disconnect(true);
      return { changes: [], truncated: false, lastSeq: '0' };
    }
    const since = typeof body?.since === 'string' && /^\d{1,18}$/.test(body.since) ? body.since : null;
    if (since === null) {
      const [row] = await this.db.query<{ seq: string }[]>(
        'SELECT COALESCE(MAX(seq), 0)::text AS seq FROM alert_changes',
      );
      return { changes: [], truncated: false, lastSeq: row.seq };
    }
    const subtree = inSubtree('c.region_path', user.regionPath, 2);
    const rows = await this.db.query<
      { seq: string; event: 'alert.created' | 'alert.updated'; payload: AlertView }[]
    >(
      `WITH below AS (
         SELECT seq, at FROM alert_changes WHERE seq <= $1 ORDER BY seq DESC LIMIT $4
       ), replay_from AS (
         SELECT COALESCE(MIN(b.seq) - 1, $1::bigint) AS seq FROM below b
          WHERE b.at >= (SELECT at FROM below ORDER BY seq DESC LIMIT 1) - make_interval(secs => $5)
       )
       SELECT c.seq::text AS seq, c.event, c.payload FROM alert_changes c, replay_from r
        WHERE c.seq > r.seq AND ${subtree.sql} ORDER BY c.seq LIMIT $3`,
      [since, subtree.param, SYNC_LIMIT + 1, SYNC_LOOKBACK_ROWS, SYNC_LOOKBACK_SECONDS],
    );
    const truncated = rows.length > SYNC_LIMIT;
    const kept = truncated ? rows.slice(0, SYNC_LIMIT) : rows;
    const changes = kept.map((r) => ({
      event: r.event,
      message: { seq: r.seq, alert: r.payload } satisfies AlertChangeMessage,
    }));
    const last = kept.length ? kept[kept.length - 1].seq : since;
    return { changes, truncated, lastSeq: BigInt(last) > BigInt(since) ? last : since };
  }
}
