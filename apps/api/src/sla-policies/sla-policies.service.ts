import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { SlaPolicyView, UpdateSlaPolicy } from '@xueliang/contracts';
import { auditAction, SlaPolicy } from '@xueliang/db';
import type { AuthUser } from '@xueliang/auth';

/**
 * Deadlines per alert type and priority. An edit applies to alerts created after it: an alert's
 * deadlines are fixed when it is raised, so nobody's clock moves under them.
 */
@Injectable()
export class SlaPoliciesService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async list(): Promise<SlaPolicyView[]> {
    const rows = await this.db
      .getRepository(SlaPolicy)
      .find({ order: { alertType: 'ASC', priority: 'ASC' } });
    return rows.map(toView);
  }

  async update(actor: AuthUser, id: string, input: UpdateSlaPolicy, ip: string): Promise<SlaPolicyView> {
    return this.db.transaction(async (tx) => {
      const policy = await tx
        .getRepository(SlaPolicy)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!policy) throw new NotFoundException('SLA policy not found');
      const before = toView(policy);
      Object.assign(policy, input);
      const saved = await tx.save(policy);
      const changed = Object.keys(input) as (keyof UpdateSlaPolicy)[];
      await auditAction(tx, actor, ip, {
        action: 'sla-policy.update',
        targetType: 'sla_policy',
        targetId: id,
        detail: {
          alertType: policy.alertType,
          priority: policy.priority,
          before: Object.fromEntries(changed.map((k) => [k, before[k]])),
          after: Object.fromEntries(changed.map((k) => [k, input[k]])),
        },
      });
      return toView(saved);
    });
  }
}

function toView(p: SlaPolicy): SlaPolicyView {
  return {
    id: p.id,
    alertType: p.alertType,
    priority: p.priority,
    acknowledgeSeconds: p.acknowledgeSeconds,
    dispatchSeconds: p.dispatchSeconds,
    acceptSeconds: p.acceptSeconds,
    arriveSeconds: p.arriveSeconds,
    resolveSeconds: p.resolveSeconds,
    escalate: p.escalate,
    correlationWindowSeconds: p.correlationWindowSeconds,
    instructions: p.instructions,
    updatedAt: p.updatedAt.toISOString(),
  };
}
