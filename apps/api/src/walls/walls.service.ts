import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SaveWall, WallView } from '@xueliang/contracts';
import { CameraWall } from '@xueliang/db';
import type { AuthUser } from '@xueliang/auth';

/** Camera walls belong to one user; nobody else reads or changes them. */
@Injectable()
export class WallsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(user: AuthUser): Promise<WallView[]> {
    const walls = await this.db
      .getRepository(CameraWall)
      .find({ where: { userId: user.id }, order: { name: 'ASC' } });
    return walls.map(toWallView);
  }

  async save(user: AuthUser, id: string, input: SaveWall): Promise<WallView> {
    const repo = this.db.getRepository(CameraWall);
    const existing = await repo.findOneBy({ id });
    if (existing && existing.userId !== user.id) throw new NotFoundException('wall not found');
    const wall = await repo.save(repo.create({ ...existing, ...input, id, userId: user.id }));
    return toWallView(wall);
  }

  async remove(user: AuthUser, id: string): Promise<void> {
    const result = await this.db.getRepository(CameraWall).delete({ id, userId: user.id });
    if (!result.affected) throw new NotFoundException('wall not found');
  }
}

function toWallView(w: CameraWall): WallView {
  return {
    id: w.id,
    name: w.name,
    tiles: w.tiles as WallView['tiles'],
    cameraIds: w.cameraIds,
    patrolSeconds: w.patrolSeconds,
    updatedAt: w.updatedAt.toISOString(),
  };
}
