import {
  ForbiddenException,
  HttpException,
  Injectable,
  Logger,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StreamKindSchema, type LiveSession, type StreamKind } from '@xueliang/contracts';
import { assertVisible, AuthUser } from '@xueliang/auth';
import { auditAction, Camera } from '@xueliang/db';
import { gatewayRoutes, hlsContentType, isHlsFile, PLAYLIST } from '@xueliang/gateway-protocol';
import { type AppConfig, InjectConfig } from '@xueliang/platform';
import { GatewayClient, gatewayError, GatewayReply } from './gateway-client.service';
import { HlsTokens, rewritePlaylist } from './hls-token';

/**
 * How long a live URL stays valid; the console asks again before it runs out. Env: LIVE_TOKEN_TTL_S.
 * Read per request on purpose, not from APP_CONFIG: test/console/video.spec.ts shortens it while
 * the api runs, so that the console has to renew its session during the test.
 */
function tokenTtlMs(): number {
  const v = Number(process.env.LIVE_TOKEN_TTL_S ?? 600);
  return (Number.isFinite(v) && v > 0 ? v : 600) * 1000;
}

/**
 * Live sessions: check and audit the viewer, have the owning gateway ensure the stream, hand out
 * a signed short-lived HLS URL; and the token-checked proxy that serves the playlist and segments.
 */
@Injectable()
export class LiveVideoService {
  private readonly log = new Logger('live-video');
  private readonly tokens: HlsTokens;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly gateways: GatewayClient,
    @InjectConfig() config: AppConfig,
  ) {
    this.tokens = new HlsTokens(config.JWT_SECRET);
  }

  async start(user: AuthUser, cameraId: string, stream: StreamKind, ip: string | null): Promise<LiveSession> {
    const camera = await this.db.getRepository(Camera).findOneBy({ id: cameraId });
    if (!camera) throw new NotFoundException('camera not found');
    assertVisible(user, camera.regionPath, 'camera');
    await auditAction(this.db.manager, user, ip, {
      action: 'camera.live_view',
      targetType: 'camera',
      targetId: camera.id,
      regionId: camera.regionId,
      detail: { stream, name: camera.name },
    });
    await this.ensure(cameraId, stream);
    const expiresAt = new Date(Date.now() + tokenTtlMs());
    const token = this.tokens.sign(cameraId, stream, expiresAt);
    return {
      hlsUrl: `/api/hls/${cameraId}/${stream}/${PLAYLIST}?token=${encodeURIComponent(token)}`,
      expiresAt: expiresAt.toISOString(),
      stream,
    };
  }

  /** The stream runs on the gateway holding the lease; a lease that moved meanwhile gets one retry. */
  private async ensure(cameraId: string, stream: StreamKind): Promise<void> {
    const route = gatewayRoutes.ensureStream;
    const params = { id: cameraId, stream };
    const first = await this.gateways.raw(route, params, { cameraId, timeoutMs: 30_000 });
    if (first.status === 409) await this.gateways.call(route, params, { cameraId, timeoutMs: 30_000 });
    else if (first.status >= 400) throw gatewayError(first);
  }

  /**
   * ensure() for a player's request: a camera still being handed over (409) or any gateway
   * trouble is "retry later" (503), which hls.js retries; a camera that cannot stream stays a 4xx.
   */
  private async ensureForViewer(cameraId: string, stream: StreamKind): Promise<void> {
    try {
      await this.ensure(cameraId, stream);
    } catch (error) {
      if (error instanceof HttpException && error.getStatus() !== 409 && error.getStatus() < 500) throw error;
      throw new ServiceUnavailableException('stream restarting, retry');
    }
  }

  /** Playlist or segment for a token holder; the playlist's segment URIs get the token appended. */
  async serve(
    cameraId: string,
    stream: string,
    file: string,
    token: string | undefined,
  ): Promise<{ contentType: string; body: Buffer; cacheControl: string }> {
    const verdict = this.tokens.verify(token, cameraId, stream);
    if (verdict === 'missing') throw new UnauthorizedException('live video token required');
    if (verdict === 'invalid') throw new UnauthorizedException('live video token invalid');
    if (verdict === 'expired') throw new ForbiddenException('live video token expired');
    if (!isHlsFile(file)) throw new NotFoundException('no such file');
    const route = gatewayRoutes.hlsFile;
    const params = { id: cameraId, stream, file };
    let reply: GatewayReply = await this.gateways.raw(route, params, { cameraId, timeoutMs: 10_000 });
    const kind = StreamKindSchema.safeParse(stream);
    if (reply.status === 404 && file === PLAYLIST && kind.success) {
      // The stream is not running where the camera's lease points: its gateway restarted, another
      // gateway took the camera over, or it idled out. The token proves a session that was checked
      // and audited, so start the stream again and the player's own retries recover, same URL.
      this.log.log(`restarting ${cameraId}/${stream} on demand for a token holder`);
      await this.ensureForViewer(cameraId, kind.data);
      reply = await this.gateways.raw(route, params, { cameraId, timeoutMs: 10_000 });
    }
    if (reply.status === 404) throw new NotFoundException('stream not running; request a new live session');
    // 5xx, not 4xx: hls.js retries a 5xx with the same URL but gives up at once on a 4xx.
    if (reply.status >= 400) throw new ServiceUnavailableException('stream unavailable, retry');
    if (file === PLAYLIST) {
      return {
        contentType: hlsContentType(file),
        cacheControl: 'no-cache',
        body: Buffer.from(rewritePlaylist(reply.body.toString('utf8'), token ?? '')),
      };
    }
    return { contentType: hlsContentType(file), cacheControl: 'private, max-age=60', body: reply.body };
  }
}
