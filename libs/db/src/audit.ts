import type { EntityManager } from 'typeorm';
import { AuditEntry } from './entities';

export interface AuditRecord {
  actorId: string | null;
  actorName: string;
  action: string;
  targetType: string;
  targetId?: string | null;
  regionId?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown> | null;
}

/** Appends to the audit log inside the caller's transaction, so an action and its record commit together. */
export async function recordAudit(manager: EntityManager, record: AuditRecord): Promise<void> {
  const entry = manager.create(AuditEntry, {
    actorId: record.actorId,
    actorName: record.actorName,
    action: record.action,
    targetType: record.targetType,
    targetId: record.targetId ?? null,
    regionId: record.regionId ?? null,
    ip: record.ip ?? null,
    detail: record.detail ?? null,
  });
  await manager.save(entry, { reload: false });
}

/** A signed-in user acting (the api's AuthUser fits). */
export interface AuditActor {
  id: string;
  username: string;
}

/** What was done to what: an AuditRecord without its actor and address. */
export type AuditedAction = Omit<AuditRecord, 'actorId' | 'actorName' | 'ip'>;

/** recordAudit for a signed-in user's action from `ip`: the shape nearly every api command writes. */
export function auditAction(
  manager: EntityManager,
  actor: AuditActor,
  ip: string | null | undefined,
  action: AuditedAction,
): Promise<void> {
  return recordAudit(manager, { ...action, actorId: actor.id, actorName: actor.username, ip });
}
