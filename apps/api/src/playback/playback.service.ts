import {
  ForbiddenException,
  Injectable,
  NotFoundException,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  DEFAULT_RECORDING_POLICY,
  StreamKindSchema,
  type CoverageQuery,
  type PlaybackRequest,
  type PlaybackSession,
  type RecordingCoverage,
  type StreamKind,
} from '@xueliang/contracts';
import { assertVisible, AuthUser } from '@xueliang/auth';
import { auditAction, Camera, RecordingPolicyRecord } from '@xueliang/db';
import { gatewayRoutes } from '@xueliang/gateway-protocol';
import { type AppConfig, InjectConfig } from '@xueliang/platform';
import { GatewayClient } from '../live-video/gateway-client.service';
import { mergeSpans, type MsSpan, perDay, perMinute, toTimeSpan } from './coverage';
import { PlaybackTokens, type PlaybackGrant } from './playback-token';
import { buildPlaylist, type PlaylistSegment } from './playlist';

/**
 * How long a playback URL stays valid; the console asks for a new session (same range, resumed
 * at the current position) before it runs out. Env: PLAYBACK_TOKEN_TTL_S, read per request so a
 * test can shorten it while the api runs.
 */
function tokenTtlMs(): number {
  const v = Number(process.env.PLAYBACK_TOKEN_TTL_S ?? 900);
  return (Number.isFinite(v) && v > 0 ? v : 900) * 1000;
}

/** Segments that touch within this are one recorded span (RecordingCoverage.spans). */
const MERGE_SECONDS = 1;
/** Codecs hls.js cannot play from MPEG-TS in any browser (ffprobe's and the register's names). */
const NOT_BROWSER_PLAYABLE = new Set(['hevc', 'h265']);
const SEGMENT_FILE = /^(\d{1,18})\.ts$/;

interface SegmentRow {
  id: string;
  s: number;
  e: number;
  codec: string | null;
}

/**
 * Recorded footage for viewers: what exists (coverage), playback sessions (checked, audited,
 * signed), and the token-checked VOD playlist and segment proxy. Segments are read from the
 * gateway that wrote them; the api never touches the recordings directory.
 */
@Injectable()
export class PlaybackService {
  private readonly tokens: PlaybackTokens;
  private readonly timeZone: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly gateways: GatewayClient,
    @InjectConfig() config: AppConfig,
  ) {
    this.tokens = new PlaybackTokens(config.JWT_SECRET);
    this.timeZone = config.TIMEZONE;
  }

  private async visibleCamera(user: AuthUser, cameraId: string): Promise<Camera> {
    const camera = await this.db.getRepository(Camera).findOneBy({ id: cameraId });
    if (!camera) throw new NotFoundException('camera not found');
    assertVisible(user, camera.regionPath, 'camera');
    return camera;
  }

  async coverage(user: AuthUser, cameraId: string, q: CoverageQuery): Promise<RecordingCoverage> {
    await this.visibleCamera(user, cameraId);
    const from = new Date(q.from);
    const to = new Date(q.to);
    const streams: StreamKind[] = q.stream ? [q.stream] : [...StreamKindSchema.options];
    const perStream = await Promise.all(streams.map((stream) => this.spansOf(cameraId, stream, from, to)));
    const spans = mergeSpans(perStream.flat(), MERGE_SECONDS * 1000);
    const gapRows = await this.db.query<{ s: number; e: number; reason: string }[]>(
      `SELECT (extract(epoch FROM greatest(start_at, $3)) * 1000)::float8 AS s,
              (extract(epoch FROM least(end_at, $4)) * 1000)::float8 AS e, reason
       FROM recording_gaps
       WHERE camera_id = $1 AND stream = ANY($2::text[]) AND start_at < $4 AND end_at > $3
       ORDER BY start_at LIMIT 10000`,
      [cameraId, streams, from, to],
    );
    const f = from.getTime();
    const t = to.getTime();
    const coverage: RecordingCoverage = {
      cameraId,
      stream: q.stream ?? null,
      from: from.toISOString(),
      to: to.toISOString(),
      spans: spans.map(toTimeSpan),
      gaps: gapRows.map((g) => ({ ...toTimeSpan({ start: g.s, end: g.e }), reason: g.reason })),
      days: perDay(spans, f, t, this.timeZone),
    };
    if (t - f <= 24 * 3_600_000) coverage.minutes = perMinute(spans, f, t);
    return coverage;
  }

  /**
   * Recorded spans of one stream inside [from, to]. Only the segments where a span begins or ends
   * leave the database: lag/lead over the (camera, stream, start) index, which carries end_at, so
   * 31 days of 4 s segments are one index-only scan in index order (no sort, no heap).
   */
  private async spansOf(cameraId: string, stream: StreamKind, from: Date, to: Date): Promise<MsSpan[]> {
    const rows = await this.db.query<{ s: number; e: number; first: boolean; last: boolean }[]>(
      `SELECT (extract(epoch FROM s) * 1000)::float8 AS s, (extract(epoch FROM e) * 1000)::float8 AS e,
              (pe IS NULL OR s > pe + make_interval(secs => $5)) AS first,
              (ns IS NULL OR ns > e + make_interval(secs => $5)) AS last
       FROM (
         SELECT start_at AS s, end_at AS e, lag(end_at) OVER w AS pe, lead(start_at) OVER w AS ns
         FROM recording_segments
         WHERE camera_id = $1 AND stream = $2 AND start_at < $4
           AND start_at >= coalesce((SELECT start_at FROM recording_segments
                                     WHERE camera_id = $1 AND stream = $2 AND start_at < $3
                                     ORDER BY start_at DESC LIMIT 1), $3)
         WINDOW w AS (ORDER BY start_at)
       ) x
       WHERE pe IS NULL OR s > pe + make_interval(secs => $5) OR ns IS NULL OR ns > e + make_interval(secs => $5)`,
      [cameraId, stream, from, to, MERGE_SECONDS],
    );
    const spans: MsSpan[] = [];
    let open: number | null = null;
    for (const r of rows) {
      if (r.first || open === null) open = r.s;
      if (r.last) {
        const span = { start: Math.max(open, from.getTime()), end: Math.min(r.e, to.getTime()) };
        if (span.end > span.start) spans.push(span);
        open = null;
      }
    }
    return spans;
  }

  async start(
    user: AuthUser,
    cameraId: string,
    req: PlaybackRequest,
    ip: string | null,
  ): Promise<PlaybackSession> {
    const camera = await this.visibleCamera(user, cameraId);
    const from = new Date(req.from);
    const to = new Date(req.to);
    const stream = req.stream ?? (await this.defaultStream(cameraId, from, to));
    await auditAction(this.db.manager, user, ip, {
      action: 'recording.playback',
      targetType: 'camera',
      targetId: camera.id,
      regionId: camera.regionId,
      detail: { name: camera.name, stream, from: from.toISOString(), to: to.toISOString() },
    });
    const [first] = await this.segmentsIn(cameraId, stream, from.getTime(), to.getTime(), 1);
    const expiresAt = new Date(Date.now() + tokenTtlMs());
    const token = this.tokens.sign(cameraId, stream, from, to, expiresAt);
    const codec = first?.codec ?? null;
    return {
      playlistUrl: `/api/playback/${cameraId}/${stream}/${token}/index.m3u8`,
      expiresAt: expiresAt.toISOString(),
      cameraId,
      stream,
      from: from.toISOString(),
      to: to.toISOString(),
      firstRecordedAt: first ? new Date(Math.max(first.start, from.getTime())).toISOString() : null,
      codec,
      browserPlayable: codec === null || !NOT_BROWSER_PLAYABLE.has(codec.toLowerCase()),
    };
  }

  /** The stream the camera's policy records; without a policy, whichever has footage in the range. */
  private async defaultStream(cameraId: string, from: Date, to: Date): Promise<StreamKind> {
    const policy = await this.db.getRepository(RecordingPolicyRecord).findOneBy({ cameraId });
    if (policy) return policy.stream;
    for (const stream of [DEFAULT_RECORDING_POLICY.stream, ...StreamKindSchema.options]) {
      const [hit] = await this.segmentsIn(cameraId, stream, from.getTime(), to.getTime(), 1);
      if (hit) return stream;
    }
    return DEFAULT_RECORDING_POLICY.stream;
  }

  /**
   * Segments of one camera and stream overlapping [from, to), in time order. The segment that
   * started before `from` is found by one backward index step, the rest by an index range scan.
   */
  private async segmentsIn(
    cameraId: string,
    stream: StreamKind,
    fromMs: number,
    toMs: number,
    limit = 100_000,
  ): Promise<PlaylistSegment[]> {
    const rows = await this.db.query<SegmentRow[]>(
      `SELECT id::text AS id, (extract(epoch FROM start_at) * 1000)::float8 AS s,
              (extract(epoch FROM end_at) * 1000)::float8 AS e, codec
       FROM (
         (SELECT id, start_at, end_at, codec FROM recording_segments
          WHERE camera_id = $1 AND stream = $2 AND start_at < $3
          ORDER BY start_at DESC LIMIT 1)
         UNION ALL
         (SELECT id, start_at, end_at, codec FROM recording_segments
          WHERE camera_id = $1 AND stream = $2 AND start_at >= $3 AND start_at < $4
          ORDER BY start_at LIMIT $5)
       ) x
       WHERE end_at > $3 ORDER BY start_at LIMIT $5`,
      [cameraId, stream, new Date(fromMs), new Date(toMs), limit],
    );
    return rows.map((r) => ({ id: r.id, start: r.s, end: r.e, codec: r.codec }));
  }

  private grant(cameraId: string, stream: string, token: string | undefined): PlaybackGrant {
    const verdict = this.tokens.verify(token, cameraId, stream);
    if (verdict.ok) return verdict.grant;
    if (verdict.reason === 'missing') throw new UnauthorizedException('playback token required');
    if (verdict.reason === 'invalid') throw new UnauthorizedException('playback token invalid');
    throw new ForbiddenException('playback token expired');
  }

  /** The VOD playlist of a token's camera, stream and range. */
  async playlist(cameraId: string, stream: string, token: string | undefined): Promise<string> {
    const grant = this.grant(cameraId, stream, token);
    const kind = StreamKindSchema.parse(stream); // the signature covered it: always a stream kind
    const segments = await this.segmentsIn(cameraId, kind, grant.fromMs, grant.toMs);
    return buildPlaylist(segments, grant.fromMs);
  }

  /**
   * Bytes of one segment for a token holder. The id must belong to the token's camera and stream
   * and overlap its range; anything else is the same 404 as an id that does not exist.
   */
  async segment(cameraId: string, stream: string, token: string | undefined, file: string): Promise<Buffer> {
    const grant = this.grant(cameraId, stream, token);
    const m = SEGMENT_FILE.exec(file);
    if (!m) throw new NotFoundException('no such segment');
    const [row] = await this.db.query<{ gateway_id: string }[]>(
      `SELECT gateway_id FROM recording_segments
       WHERE id = $1 AND camera_id = $2 AND stream = $3 AND start_at < $5 AND end_at > $4`,
      [m[1], cameraId, stream, new Date(grant.fromMs), new Date(grant.toMs)],
    );
    if (!row) throw new NotFoundException('no such segment');
    const reply = await this.gateways.raw(
      gatewayRoutes.recordingSegment,
      { id: m[1] },
      { gatewayId: row.gateway_id, timeoutMs: 15_000 },
    );
    if (reply.status === 404) throw new NotFoundException('segment no longer on disk');
    // 5xx, not 4xx: hls.js retries a 5xx (a gateway restarting) but gives up at once on a 4xx.
    if (reply.status >= 400) throw new ServiceUnavailableException('recording storage unavailable, retry');
    return reply.body;
  }
}
