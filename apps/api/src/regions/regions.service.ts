import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { REGION_LEVELS, type CreateRegion, type RegionView, type UpdateRegion } from '@xueliang/contracts';
import { auditAction, Region } from '@xueliang/db';
import { assertVisible, assertWritable, AuthUser, scopeToRegion } from '@xueliang/auth';

@Injectable()
export class RegionsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** The user's whole subtree, parents before children, for the console's region tree. */
  async list(user: AuthUser): Promise<RegionView[]> {
    const qb = this.db.getRepository(Region).createQueryBuilder('r');
    scopeToRegion(qb, user, 'r.path');
    const regions = await qb.orderBy('r.path', 'ASC').getMany();
    return regions.map(toRegionView);
  }

  async get(user: AuthUser, id: string): Promise<RegionView> {
    return toRegionView(await this.findVisible(user, id));
  }

  async findVisible(user: AuthUser, id: string): Promise<Region> {
    const region = await this.db.getRepository(Region).findOneBy({ id });
    if (!region) throw new NotFoundException('region not found');
    assertVisible(user, region.path, 'region');
    return region;
  }

  async create(user: AuthUser, input: CreateRegion, ip: string): Promise<RegionView> {
    const parent = await this.findVisible(user, input.parentId);
    assertWritable(user, parent.path, 'parent region');
    const expected = REGION_LEVELS[REGION_LEVELS.indexOf(parent.level) + 1];
    if (input.level !== expected) {
      throw new BadRequestException(
        `level: a ${parent.level} can only hold ${expected ?? 'nothing'} regions`,
      );
    }
    return this.db.transaction(async (tx) => {
      const region = await tx.save(
        tx.create(Region, {
          code: input.code,
          name: input.name,
          level: input.level,
          parentId: parent.id,
          path: `${parent.path}${input.code}.`,
          lon: input.centre.lon,
          lat: input.centre.lat,
          boundary: input.boundary ?? null,
        }),
      );
      await auditAction(tx, user, ip, {
        action: 'region.create',
        targetType: 'region',
        targetId: region.id,
        regionId: region.id,
        detail: { code: region.code, name: region.name, level: region.level },
      });
      return toRegionView(region);
    });
  }

  async update(user: AuthUser, id: string, input: UpdateRegion, ip: string): Promise<RegionView> {
    const region = await this.findVisible(user, id);
    assertWritable(user, region.path);
    if (input.name !== undefined) region.name = input.name;
    if (input.centre) {
      region.lon = input.centre.lon;
      region.lat = input.centre.lat;
    }
    if (input.boundary !== undefined) region.boundary = input.boundary;
    return this.db.transaction(async (tx) => {
      await tx.save(region);
      await auditAction(tx, user, ip, {
        action: 'region.update',
        targetType: 'region',
        targetId: region.id,
        regionId: region.id,
        detail: { fields: Object.keys(input) },
      });
      return toRegionView(region);
    });
  }
}

function toRegionView(r: Region): RegionView {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    level: r.level,
    parentId: r.parentId,
    path: r.path,
    centre: { lon: r.lon, lat: r.lat },
    boundary: r.boundary,
  };
}
