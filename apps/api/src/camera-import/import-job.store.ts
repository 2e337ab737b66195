import { Injectable, NotFoundException } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ImportJobView } from '@xueliang/contracts';
import { type AppConfig, InjectConfig, InjectRedis } from '@xueliang/platform';

interface StoredJob {
  ownerId: string;
  view: ImportJobView;
}

/** A finished job's report stays readable this long. */
const JOB_TTL_SECONDS = 24 * 3600;

/**
 * Import jobs' progress and reports in Redis, so whichever api node a console polls can answer.
 * The job runs in the node that accepted it; a node that dies leaves the job "running" until
 * its key expires, and the import is simply run again (it is idempotent by address).
 */
@Injectable()
export class ImportJobStore {
  private readonly prefix: string;

  constructor(
    @InjectRedis() private readonly redis: Redis,
    @InjectConfig() config: AppConfig,
  ) {
    this.prefix = `${config.REDIS_PREFIX}:camera-import:`;
  }

  async save(ownerId: string, view: ImportJobView): Promise<void> {
    const stored: StoredJob = { ownerId, view };
    await this.redis.set(this.prefix + view.id, JSON.stringify(stored), 'EX', JOB_TTL_SECONDS);
  }

  /** The job of this user; another user's job (or a guessed id) is not found. */
  async get(ownerId: string, id: string): Promise<ImportJobView> {
    const raw = await this.redis.get(this.prefix + id);
    const stored = raw ? (JSON.parse(raw) as StoredJob) : null;
    if (!stored || stored.ownerId !== ownerId) throw new NotFoundException('import job not found');
    return stored.view;
  }
}
