import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  Ip,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  CoverageQuerySchema,
  PlaybackRequestSchema,
  type CoverageQuery,
  type PlaybackRequest,
  type PlaybackSession,
  type RecordingCoverage,
} from '@xueliang/contracts';
import { AuthUser, CurrentUser, Public, RequireRoles, rolesFor } from '@xueliang/auth';
import { valid } from '@xueliang/platform';
import { PlaybackService } from './playback.service';

const gzipAsync = promisify(gzip);
/** A day of 4 s segments is ~1.3 MB of playlist and ~10 times less gzipped; small ones go as they are. */
const GZIP_FROM_BYTES = 32 * 1024;

/**
 * Recorded footage of one camera for viewers. Whoever may watch a camera live may play back its
 * recordings (same roles, same region scope: RECORDING.md of the design), hence 'camera.live'.
 */
@Controller('cameras')
export class CameraRecordingsController {
  constructor(private readonly playback: PlaybackService) {}

  @Get(':id/recordings')
  @RequireRoles(...rolesFor('camera.live'))
  coverage(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query(valid(CoverageQuerySchema)) q: CoverageQuery,
  ): Promise<RecordingCoverage> {
    return this.playback.coverage(user, id, q);
  }

  @Post(':id/playback')
  @HttpCode(200)
  @RequireRoles(...rolesFor('camera.live'))
  start(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body(valid(PlaybackRequestSchema)) body: PlaybackRequest,
    @Ip() ip: string,
  ): Promise<PlaybackSession> {
    return this.playback.start(user, id, body, ip);
  }
}

/**
 * GET /api/playback/:cameraId/:stream/:token/index.m3u8 and …/:token/<segmentId>.ts — public as
 * far as sessions go (video elements can't send bearer headers), but nothing is served without a
 * valid, unexpired token signed for this camera, stream and range. The token sits in the path so
 * the playlist's relative segment URIs carry it without repeating it on every line.
 */
@Controller('playback')
export class PlaybackMediaController {
  constructor(private readonly playback: PlaybackService) {}

  @Public()
  @Get(':cameraId/:stream/:token/index.m3u8')
  async playlist(
    @Param('cameraId', ParseUUIDPipe) cameraId: string,
    @Param('stream') stream: string,
    @Param('token') token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const body = Buffer.from(await this.playback.playlist(cameraId, stream, token));
    res.setHeader('content-type', 'application/vnd.apple.mpegurl');
    res.setHeader('cache-control', 'private, no-store');
    res.setHeader('vary', 'accept-encoding');
    if (body.length >= GZIP_FROM_BYTES && /\bgzip\b/.test(req.headers['accept-encoding'] ?? '')) {
      res.setHeader('content-encoding', 'gzip');
      res.end(await gzipAsync(body, { level: 1 }));
      return;
    }
    res.end(body);
  }

  @Public()
  @Get(':cameraId/:stream/:token/:file')
  async segment(
    @Param('cameraId', ParseUUIDPipe) cameraId: string,
    @Param('stream') stream: string,
    @Param('token') token: string,
    @Param('file') file: string,
    @Res() res: Response,
  ): Promise<void> {
    const body = await this.playback.segment(cameraId, stream, token, file);
    res.setHeader('content-type', 'video/mp2t');
    // A segment never changes once indexed; the URL (token) is private to the session.
    res.setHeader('cache-control', 'private, max-age=3600, immutable');
    res.end(body);
  }
}
