import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type {
  AlertSource,
  CreatedIntegrationKey,
  CreateIntegrationKey,
  IntegrationKeyView,
} from '@xueliang/contracts';
import { auditAction, IntegrationKey, newIntegrationKey, Region, storedKeyParts } from '@xueliang/db';
import { assertVisible, assertWritable, inSubtree, type AuthUser } from '@xueliang/auth';

/** API keys of outside systems: created by an admin, shown once, stored as sha256, revoked not deleted. */
@Injectable()
export class IntegrationsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(actor: AuthUser): Promise<IntegrationKeyView[]> {
    const subtree = inSubtree('r.path', actor.regionPath, 1);
    const rows = await this.db.query<Row[]>(
      `SELECT k.*, r.name AS region_name, r.path FROM integration_keys k JOIN regions r ON r.id = k.region_id
        WHERE ${subtree.sql} ORDER BY k.created_at DESC`,
      [subtree.param],
    );
    return rows.map(toView);
  }

  async create(actor: AuthUser, input: CreateIntegrationKey, ip: string): Promise<CreatedIntegrationKey> {
    const region = await this.db.getRepository(Region).findOneBy({ id: input.regionId });
    if (!region) throw new NotFoundException('region not found');
    assertWritable(actor, region.path);
    const key = newIntegrationKey();
    return this.db.transaction(async (tx) => {
      const saved = await tx.save(
        tx.create(IntegrationKey, {
          name: input.name,
          ...storedKeyParts(key),
          source: input.source,
          regionId: region.id,
          createdById: actor.id,
        }),
      );
      await auditAction(tx, actor, ip, {
        action: 'integration.create',
        targetType: 'integration_key',
        targetId: saved.id,
        regionId: region.id,
        detail: { name: saved.name, source: saved.source, prefix: saved.prefix },
      });
      return { ...toView({ ...entityRow(saved), region_name: region.name, path: region.path }), key };
    });
  }

  async revoke(actor: AuthUser, id: string, ip: string): Promise<IntegrationKeyView> {
    const [row] = await this.db.query<Row[]>(
      `SELECT k.*, r.name AS region_name, r.path FROM integration_keys k JOIN regions r ON r.id = k.region_id WHERE k.id = $1`,
      [id],
    );
    if (!row) throw new NotFoundException('integration key not found');
    assertVisible(actor, row.path, 'integration key');
    if (!row.revoked_at) {
      row.revoked_at = new Date();
      await this.db.transaction(async (tx) => {
        await tx.update(IntegrationKey, { id }, { revokedAt: row.revoked_at });
        await auditAction(tx, actor, ip, {
          action: 'integration.revoke',
          targetType: 'integration_key',
          targetId: id,
          regionId: row.region_id,
        });
      });
    }
    return toView(row);
  }
}

interface Row {
  id: string;
  name: string;
  prefix: string;
  source: AlertSource;
  region_id: string;
  region_name: string;
  path: string;
  created_at: Date;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

function entityRow(k: IntegrationKey): Omit<Row, 'region_name' | 'path'> {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    source: k.source as AlertSource,
    region_id: k.regionId,
    created_at: k.createdAt,
    revoked_at: k.revokedAt,
    last_used_at: k.lastUsedAt,
  };
}

function toView(r: Row): IntegrationKeyView {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    source: r.source,
    regionId: r.region_id,
    regionName: r.region_name,
    createdAt: r.created_at.toISOString(),
    revokedAt: r.revoked_at ? r.revoked_at.toISOString() : null,
    lastUsedAt: r.last_used_at ? r.last_used_at.toISOString() : null,
  };
}
