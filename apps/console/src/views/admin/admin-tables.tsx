import {
  IntegrationSourceSchema,
  REGION_LEVELS,
  ROLES,
  SLA_STAGES,
  UNIT_KINDS,
  type AuditEntryView,
  type IntegrationKeyView,
  type RegionView,
  type Role,
  type SlaPolicyView,
  type SlaStage,
  type UnitView,
  type UpdateSlaPolicy,
  type UserView,
} from '@xueliang/contracts';
import { formatDateTime } from '../../i18n/format';
import type { Translate } from '../../i18n/i18n-provider';
import type { Locale, MessageKey } from '../../i18n/dictionary';
import type { CrudColumn, CrudConfig, CrudField } from './crud-table';

/** The admin tables (系统管理) as descriptions of the one CrudTable. */

export interface AdminContext {
  t: Translate;
  locale: Locale;
  regions: RegionView[];
}

function disabledBadge(t: Translate, disabled: boolean) {
  return disabled ? <span className="badge badge-offline">{t('admin.disabled')}</span> : '—';
}

/** Region and phone: the same columns and form rows in users and units. */
function regionPhoneColumns(t: Translate): CrudColumn<UserView | UnitView>[] {
  return [
    { header: t('common.region'), cell: (r) => r.regionName },
    { header: t('common.phone'), cell: (r) => r.phone ?? '—' },
  ];
}
function regionPhoneFields<V extends { regionId: string; phone: string }>(t: Translate): CrudField<V>[] {
  return [
    { kind: 'region', key: 'regionId', label: t('common.region') } as CrudField<V>,
    { kind: 'text', key: 'phone', label: t('common.phone') } as CrudField<V>,
  ];
}
function disabledField<V extends { disabled: boolean }>(t: Translate): CrudField<V> {
  return { kind: 'flag', key: 'disabled', label: t('admin.disabled'), only: 'edit' } as CrudField<V>;
}

// ---- users

export type UserFormValue = {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
  regionId: string;
  phone: string;
  disabled: boolean;
};

export function usersTable({ t, locale, regions }: AdminContext): CrudConfig<UserView, UserFormValue> {
  return {
    tableTestId: 'users-table',
    rowTestId: 'user-row',
    rowData: (u) => ({ 'data-username': u.username }),
    createTestId: 'user-create',
    formTestId: 'user-form',
    formTitle: () => t('admin.users'),
    columns: [
      { header: t('admin.username'), cell: (u) => u.username, className: 'mono' },
      { header: t('admin.displayName'), cell: (u) => u.displayName },
      { header: t('admin.roles'), cell: (u) => u.roles.map((r) => t(`role.${r}` as MessageKey)).join('、') },
      ...regionPhoneColumns(t),
      {
        header: t('admin.lastLogin'),
        cell: (u) => formatDateTime(u.lastLoginAt, locale),
        className: 'muted',
      },
      { header: t('common.status'), cell: (u) => disabledBadge(t, u.disabled) },
    ],
    blank: () => ({
      username: '',
      displayName: '',
      password: '',
      roles: ['duty_officer'],
      regionId: regions[0]?.id ?? '',
      phone: '',
      disabled: false,
    }),
    toForm: (u) => ({ ...u, roles: u.roles as Role[], password: '', phone: u.phone ?? '' }),
    fields: [
      { kind: 'text', key: 'username', label: t('admin.username'), lockedWhenEditing: true },
      { kind: 'text', key: 'displayName', label: t('admin.displayName') },
      {
        kind: 'text',
        key: 'password',
        label: t('admin.password'),
        input: { type: 'password', autoComplete: 'new-password' },
      },
      { kind: 'choices', key: 'roles', label: t('admin.roles'), values: ROLES, prefix: 'role' },
      ...regionPhoneFields<UserFormValue>(t),
      disabledField<UserFormValue>(t),
    ],
  };
}

// ---- units

export type UnitFormValue = {
  name: string;
  kind: string;
  regionId: string;
  phone: string;
  disabled: boolean;
};

export function unitsTable({ t, regions }: AdminContext): CrudConfig<UnitView, UnitFormValue> {
  return {
    tableTestId: 'units-table',
    rowTestId: 'unit-row',
    formTitle: () => t('admin.units'),
    columns: [
      { header: t('common.name'), cell: (u) => u.name },
      { header: t('admin.kind'), cell: (u) => t(`unit.${u.kind}` as MessageKey) },
      ...regionPhoneColumns(t),
      { header: t('common.status'), cell: (u) => disabledBadge(t, u.disabled) },
    ],
    blank: () => ({
      name: '',
      kind: 'police_post',
      regionId: regions[0]?.id ?? '',
      phone: '',
      disabled: false,
    }),
    toForm: (u) => ({ ...u, phone: u.phone ?? '' }),
    fields: [
      { kind: 'text', key: 'name', label: t('common.name') },
      { kind: 'enum', key: 'kind', label: t('admin.kind'), values: UNIT_KINDS, prefix: 'unit' },
      ...regionPhoneFields<UnitFormValue>(t),
      disabledField<UnitFormValue>(t),
    ],
  };
}

// ---- regions

export type RegionFormValue = {
  code: string;
  name: string;
  level: string;
  parentId: string;
  lon: string;
  lat: string;
};

export function regionsTable({ t, regions }: AdminContext): CrudConfig<RegionView, RegionFormValue> {
  const byId = new Map(regions.map((r) => [r.id, r]));
  const depth = REGION_LEVELS as readonly string[];
  const centre = (r: RegionView | undefined) => ({
    lon: String(r?.centre.lon ?? ''),
    lat: String(r?.centre.lat ?? ''),
  });
  return {
    tableTestId: 'regions-table',
    // The tree in path order, each level indented under its parent.
    order: (a, b) => a.path.localeCompare(b.path),
    toolbar: (rows) => <span className="muted">{rows.length}</span>,
    formTitle: () => t('admin.regions'),
    columns: [
      {
        header: t('common.name'),
        cell: (r) => r.name,
        style: (r) => ({ paddingLeft: 8 + depth.indexOf(r.level) * 16 }),
      },
      { header: t('admin.code'), cell: (r) => r.code, className: 'mono' },
      { header: t('admin.level'), cell: (r) => t(`level.${r.level}` as MessageKey) },
      { header: t('admin.parent'), cell: (r) => (r.parentId ? (byId.get(r.parentId)?.name ?? '—') : '—') },
    ],
    blank: (sorted) => ({
      code: '',
      name: '',
      level: 'village',
      parentId: sorted[0]?.id ?? '',
      ...centre(sorted[0]),
    }),
    toForm: (r) => ({ code: r.code, name: r.name, level: r.level, parentId: r.parentId ?? '', ...centre(r) }),
    fields: [
      { kind: 'text', key: 'code', label: t('admin.code'), lockedWhenEditing: true },
      { kind: 'text', key: 'name', label: t('common.name') },
      {
        kind: 'enum',
        key: 'level',
        label: t('admin.level'),
        values: REGION_LEVELS,
        prefix: 'level',
        only: 'create',
      },
      { kind: 'region', key: 'parentId', label: t('admin.parent'), only: 'create' },
      { kind: 'pair', keys: ['lon', 'lat'], label: 'lon / lat' },
    ],
  };
}

// ---- SLA policies

const STAGE_FIELD = {
  acknowledge: 'acknowledgeSeconds',
  dispatch: 'dispatchSeconds',
  accept: 'acceptSeconds',
  arrive: 'arriveSeconds',
  resolve: 'resolveSeconds',
} as const satisfies Record<SlaStage, keyof SlaPolicyView>;

/** Each stage's deadline in whole minutes as typed ('' for none), escalation and instructions. */
export type SlaFormValue = Record<SlaStage, string> & { escalate: boolean; instructions: string };

/** A deadline as short as it reads: 2d, 4h, 30m. */
function duration(s: number | null): string {
  if (s === null) return '—';
  if (s >= 86400 && s % 86400 === 0) return `${s / 86400}d`;
  if (s >= 3600 && s % 3600 === 0) return `${s / 3600}h`;
  return `${Math.round(s / 60)}m`;
}

/** The policy update a saved SLA form asks for. */
export function slaPolicyUpdate(v: SlaFormValue): UpdateSlaPolicy {
  const seconds = Object.fromEntries(
    SLA_STAGES.map((s) => [STAGE_FIELD[s], v[s] ? Number(v[s]) * 60 : null]),
  ) as Record<(typeof STAGE_FIELD)[SlaStage], number | null>;
  return { ...seconds, escalate: v.escalate, instructions: v.instructions };
}

export function slaTable({ t }: AdminContext): CrudConfig<SlaPolicyView, SlaFormValue> {
  const minutes = (s: number | null) => (s === null ? '' : String(Math.round(s / 60)));
  return {
    tableTestId: 'sla-table',
    formTitle: (p) =>
      p
        ? `${t('admin.sla')} · ${t(`type.${p.alertType}` as MessageKey)} · ${t(`priority.${p.priority}` as MessageKey)}`
        : t('admin.sla'),
    columns: [
      { header: t('admin.alertType'), cell: (p) => t(`type.${p.alertType}` as MessageKey) },
      {
        header: t('admin.priority'),
        cell: (p) => (
          <span className={`badge badge-${p.priority}`}>{t(`priority.${p.priority}` as MessageKey)}</span>
        ),
      },
      ...SLA_STAGES.map((s): CrudColumn<SlaPolicyView> => ({
        header: t(`stage.${s}` as MessageKey),
        cell: (p) => duration(p[STAGE_FIELD[s]]),
        className: 'mono',
      })),
      { header: t('admin.escalate'), cell: (p) => (p.escalate ? t('common.yes') : t('common.no')) },
    ],
    toForm: (p) => ({
      acknowledge: minutes(p.acknowledgeSeconds),
      dispatch: minutes(p.dispatchSeconds),
      accept: minutes(p.acceptSeconds),
      arrive: minutes(p.arriveSeconds),
      resolve: minutes(p.resolveSeconds),
      escalate: p.escalate,
      instructions: p.instructions,
    }),
    fields: [
      ...SLA_STAGES.map((s): CrudField<SlaFormValue> => ({
        kind: 'text',
        key: s,
        label: `${t(`stage.${s}` as MessageKey)} (${t('admin.minutes')})`,
        input: { type: 'number', min: 1 },
      })),
      { kind: 'flag', key: 'escalate', label: t('admin.escalate') },
      { kind: 'textarea', key: 'instructions', label: t('detail.instructions'), rows: 5 },
    ],
  };
}

// ---- integration keys

export type IntegrationFormValue = { name: string; source: string; regionId: string };

export function integrationsTable({
  t,
  locale,
  regions,
}: AdminContext): CrudConfig<IntegrationKeyView, IntegrationFormValue> {
  return {
    tableTestId: 'integrations-table',
    formTitle: () => t('admin.integrations'),
    columns: [
      { header: t('common.name'), cell: (k) => k.name },
      { header: t('admin.source'), cell: (k) => t(`source.${k.source}` as MessageKey) },
      {
        header: t('common.region'),
        cell: (k) => k.regionName ?? regions.find((r) => r.id === k.regionId)?.name,
      },
      { header: 'Prefix', cell: (k) => `${k.prefix}…`, className: 'mono' },
      { header: t('common.time'), cell: (k) => formatDateTime(k.createdAt, locale), className: 'muted' },
      {
        header: t('common.status'),
        cell: (k) => (k.revokedAt ? <span className="badge badge-offline">{t('admin.revoke')}</span> : '—'),
      },
    ],
    blank: () => ({ name: '', source: 'hotline', regionId: regions[0]?.id ?? '' }),
    remove: {
      label: 'admin.revoke',
      allowed: (k) => !k.revokedAt,
      confirm: (k) => `${t('admin.revoke')} ${k.name}?`,
    },
    fields: [
      { kind: 'text', key: 'name', label: t('common.name') },
      {
        kind: 'enum',
        key: 'source',
        label: t('admin.source'),
        values: IntegrationSourceSchema.options,
        prefix: 'source',
      },
      { kind: 'region', key: 'regionId', label: t('common.region'), maxLevel: 'village' },
    ],
  };
}

// ---- audit (read only)

export function auditTable({ t, locale }: AdminContext): CrudConfig<AuditEntryView, Record<string, never>> {
  return {
    tableTestId: 'audit-table',
    formTitle: () => t('admin.audit'),
    columns: [
      { header: t('common.time'), cell: (e) => formatDateTime(e.at, locale), className: 'muted' },
      { header: t('admin.actor'), cell: (e) => e.actorName },
      { header: t('admin.action'), cell: (e) => e.action, className: 'mono' },
      {
        header: t('admin.target'),
        cell: (e) => `${e.targetType} ${e.targetId ?? ''}`,
        className: 'mono small',
      },
    ],
    fields: [],
  };
}
