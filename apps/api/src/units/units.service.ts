import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CreateUnit, UnitView, UpdateUnit } from '@xueliang/contracts';
import { auditAction, Region, ResponseUnit } from '@xueliang/db';
import { assertVisible, assertWritable, AuthUser, scopeToRegion } from '@xueliang/auth';
import { RegionsService } from '../regions/regions.service';

type UnitWithRegion = ResponseUnit & { region: Region };

@Injectable()
export class UnitsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly regions: RegionsService,
  ) {}

  /** Units in the user's subtree; a township dispatcher sees the township's units and below. */
  async list(actor: AuthUser): Promise<UnitView[]> {
    const qb = this.db
      .getRepository(ResponseUnit)
      .createQueryBuilder('u')
      .innerJoinAndMapOne('u.region', Region, 'r', 'r.id = u.regionId');
    scopeToRegion(qb, actor, 'r.path');
    const units = (await qb
      .orderBy('r.path', 'ASC')
      .addOrderBy('u.name', 'ASC')
      .getMany()) as UnitWithRegion[];
    return units.map((u) => toUnitView(u, u.region));
  }

  async create(actor: AuthUser, input: CreateUnit, ip: string): Promise<UnitView> {
    const region = await this.regions.findVisible(actor, input.regionId);
    assertWritable(actor, region.path);
    return this.db.transaction(async (tx) => {
      const unit = await tx.save(
        tx.create(ResponseUnit, {
          name: input.name,
          kind: input.kind,
          regionId: region.id,
          phone: input.phone ?? null,
        }),
      );
      await auditAction(tx, actor, ip, {
        action: 'unit.create',
        targetType: 'unit',
        targetId: unit.id,
        regionId: region.id,
        detail: { name: unit.name, kind: unit.kind },
      });
      return toUnitView(unit, region);
    });
  }

  async update(actor: AuthUser, id: string, input: UpdateUnit, ip: string): Promise<UnitView> {
    const unit = await this.db.getRepository(ResponseUnit).findOneBy({ id });
    if (!unit) throw new NotFoundException('response unit not found');
    let region = await this.db.getRepository(Region).findOneByOrFail({ id: unit.regionId });
    assertVisible(actor, region.path, 'response unit');
    if (input.regionId && input.regionId !== unit.regionId) {
      region = await this.regions.findVisible(actor, input.regionId);
      assertWritable(actor, region.path);
      unit.regionId = region.id;
    }
    if (input.name !== undefined) unit.name = input.name;
    if (input.kind !== undefined) unit.kind = input.kind;
    if (input.phone !== undefined) unit.phone = input.phone;
    if (input.disabled !== undefined) unit.disabled = input.disabled;
    return this.db.transaction(async (tx) => {
      await tx.save(unit);
      await auditAction(tx, actor, ip, {
        action: 'unit.update',
        targetType: 'unit',
        targetId: unit.id,
        regionId: unit.regionId,
        detail: { fields: Object.keys(input) },
      });
      return toUnitView(unit, region);
    });
  }
}

function toUnitView(u: ResponseUnit, region: Region): UnitView {
  return {
    id: u.id,
    name: u.name,
    kind: u.kind,
    regionId: u.regionId,
    regionName: region.name,
    phone: u.phone,
    disabled: u.disabled,
  };
}
