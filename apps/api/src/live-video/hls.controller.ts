import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@xueliang/auth';
import { LiveVideoService } from './live-video.service';

/**
 * GET /api/hls/:cameraId/:stream/:file?token=… — public as far as sessions go (video elements
 * can't send bearer headers), but nothing is served without a valid, unexpired signed token.
 */
@Controller('hls')
export class HlsController {
  constructor(private readonly live: LiveVideoService) {}

  @Public()
  @Get(':cameraId/:stream/:file')
  async file(
    @Param('cameraId', ParseUUIDPipe) cameraId: string,
    @Param('stream') stream: string,
    @Param('file') file: string,
    @Query('token') token: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const out = await this.live.serve(cameraId, stream, file, token);
    res.setHeader('content-type', out.contentType);
    res.setHeader('cache-control', out.cacheControl);
    res.end(out.body);
  }
}
