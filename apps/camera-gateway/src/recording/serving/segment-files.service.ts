import { createReadStream, type ReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RecordingSegment } from '@xueliang/db';
import { GATEWAY_SETTINGS, GatewaySettings } from '../../gateway.config';

/** An id as the index spells it (bigint); anything else is not looked up at all. */
const SEGMENT_ID = /^[1-9]\d{0,17}$/;

export interface OpenedSegment {
  stream: ReadStream;
  bytes: number;
}

/**
 * Resolves an indexed segment id to its file and opens it. The path comes from the index only
 * (never from the caller) and must resolve, symlinks followed, to a regular file inside
 * RECORDINGS_DIR: a tampered index row ("../../etc/passwd", an absolute path, a symlink out of
 * the directory) is the same "not found" as an unknown id.
 */
@Injectable()
export class SegmentFiles {
  private readonly root: string;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(GATEWAY_SETTINGS) settings: GatewaySettings,
  ) {
    this.root = path.resolve(settings.RECORDINGS_DIR);
  }

  async open(id: string): Promise<OpenedSegment | null> {
    if (!SEGMENT_ID.test(id)) return null;
    const row = await this.db
      .getRepository(RecordingSegment)
      .findOne({ where: { id }, select: ['id', 'path'] });
    if (!row) return null;
    const file = await this.inside(row.path);
    if (!file) return null;
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) return null;
    return { stream: createReadStream(file), bytes: st.size };
  }

  /** The real path of `relative` when it lies inside the recordings directory, else null. */
  private async inside(relative: string): Promise<string | null> {
    if (!relative || path.isAbsolute(relative) || relative.includes('\0')) return null;
    const candidate = path.resolve(this.root, relative);
    if (!isWithin(this.root, candidate)) return null;
    const [root, real] = await Promise.all([
      realpath(this.root).catch(() => null),
      realpath(candidate).catch(() => null),
    ]);
    return root && real && isWithin(root, real) ? real : null;
  }
}

function isWithin(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
