import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { gatewayRoutes as routes } from '@xueliang/gateway-protocol';
import { SegmentFiles } from './segment-files.service';

/**
 * GET /internal/recordings/segments/:id (internal token, like every internal route): the bytes of
 * one indexed segment. The api has already checked the viewer's token against the segment's
 * camera, stream and range; this side only guarantees that nothing outside the index and the
 * recordings directory is ever read.
 */
@Controller()
export class SegmentServingController {
  constructor(private readonly files: SegmentFiles) {}

  @Get(routes.recordingSegment.pattern)
  async segment(@Param('id') id: string, @Res() res: Response): Promise<void> {
    const opened = await this.files.open(id);
    if (!opened) throw new NotFoundException('no such segment');
    res.setHeader('content-type', 'video/mp2t');
    res.setHeader('content-length', String(opened.bytes));
    opened.stream.on('error', () => res.destroy());
    opened.stream.pipe(res);
  }
}
