import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Body,
  Controller,
  Delete,
  Get,
  Inject,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Res,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { In, DataSource } from 'typeorm';
import {
  gatewayRoutes as routes,
  type SegmentHash,
  type SegmentHashRequest,
  SegmentHashRequestSchema,
} from '@xueliang/gateway-protocol';
import { RecordingSegment } from '@xueliang/db';
import { sha256File, valid } from '@xueliang/platform';
import { GATEWAY_SETTINGS, type GatewaySettings } from '../../gateway.config';
import { ExportRunner } from './export-runner.service';
import { insideRoot, isExportFileName } from './store-paths';

/**
 * The gateway's side of evidence export and chain verification (internal token only): the files
 * of an export it made, their removal, and re-hashing of indexed segments for the chain check.
 * Ids come in, never paths: files are found through the index or under EXPORTS_DIR/<uuid>/.
 */
@Controller()
export class ExportController {
  constructor(
    private readonly runner: ExportRunner,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
  ) {}

  @Get(routes.exportFile.pattern)
  async file(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('file') file: string,
    @Res() res: Response,
  ): Promise<void> {
    if (!isExportFileName(file)) throw new NotFoundException('no such export file');
    const path = insideRoot(this.runner.exportsRoot(), join(id, file));
    const info = path ? await stat(path).catch(() => null) : null;
    if (!path || !info?.isFile()) throw new NotFoundException('no such export file');
    res.setHeader('content-type', file.endsWith('.json') ? 'application/json' : 'video/mp4');
    res.setHeader('content-length', String(info.size));
    await new Promise<void>((resolve, reject) => {
      const stream = createReadStream(path);
      stream.on('error', reject);
      res.on('close', () => {
        stream.destroy();
        resolve();
      });
      stream.pipe(res);
    });
  }

  @Delete(routes.deleteExportFiles.pattern)
  async remove(@Param('id', ParseUUIDPipe) id: string): Promise<{ removed: boolean }> {
    const path = insideRoot(this.runner.exportsRoot(), id);
    if (!path) return { removed: false };
    const existed = await stat(path).then(
      () => true,
      () => false,
    );
    await rm(path, { recursive: true, force: true });
    return { removed: existed };
  }

  /** Hashes each segment's file now; 'altered' when it differs from the index, 'missing' when gone. */
  @Post(routes.verifySegments.pattern)
  async verify(@Body(valid(SegmentHashRequestSchema)) body: SegmentHashRequest): Promise<SegmentHash[]> {
    const rows = body.ids.length
      ? await this.db.getRepository(RecordingSegment).findBy({ id: In(body.ids) })
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    const out: SegmentHash[] = [];
    for (const id of body.ids) {
      const row = byId.get(id);
      const path = row ? insideRoot(this.settings.RECORDINGS_DIR, row.path) : null;
      const hash = path ? await sha256File(path).catch(() => null) : null;
      if (!row || !hash) out.push({ id, state: 'missing', sha256: null });
      else out.push({ id, state: hash === row.sha256.trim() ? 'ok' : 'altered', sha256: hash });
    }
    return out;
  }
}
