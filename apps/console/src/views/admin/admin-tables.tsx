import { useState } from 'react';
import {
  IntegrationSourceSchema,
  REGION_LEVELS,
  ROLES,
  SLA_STAGES,
  UNIT_KINDS,
  type AuditEntryView,
  type CreatedIntegrationKey,
  type IntegrationKeyView,
  type RegionView,
  type Role,
  type SlaPolicyView,
  type UnitView,
  type UserView,
} from '@xueliang/contracts';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';
import { Dialog } from '../common/dialog';
import { RegionSelect } from '../common/region-select';

type Submit<T> = (value: T) => Promise<string | null>;

function FormDialog({
  title,
  onClose,
  onSave,
  children,
  testId,
}: {
  title: string;
  onClose(): void;
  onSave(): Promise<string | null>;
  children: React.ReactNode;
  testId?: string;
}) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <Dialog
      title={title}
      onClose={onClose}
      testId={testId}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t('common.cancel')}
          </button>
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy}
            data-testid="form-save"
            onClick={async () => {
              setBusy(true);
              setError(await onSave());
              setBusy(false);
            }}
          >
            {t('common.save')}
          </button>
        </>
      }
    >
      <div className="form-grid">{children}</div>
      {error && <div className="form-error">{error}</div>}
    </Dialog>
  );
}

// ---- users

export interface UserFormValue {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
  regionId: string;
  phone: string;
  disabled: boolean;
}

export function UsersTable({
  users,
  regions,
  onSave,
}: {
  users: UserView[];
  regions: RegionView[];
  onSave: Submit<{ id?: string; value: UserFormValue }>;
}) {
  const { t, locale } = useI18n();
  const [editing, setEditing] = useState<{ id?: string; value: UserFormValue } | null>(null);
  return (
    <>
      <div className="toolbar">
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-primary btn-small"
          data-testid="user-create"
          onClick={() =>
            setEditing({
              value: {
                username: '',
                displayName: '',
                password: '',
                roles: ['duty_officer'],
                regionId: regions[0]?.id ?? '',
                phone: '',
                disabled: false,
              },
            })
          }
        >
          {t('common.create')}
        </button>
      </div>
      <table className="table" data-testid="users-table">
        <thead>
          <tr>
            <th>{t('admin.username')}</th>
            <th>{t('admin.displayName')}</th>
            <th>{t('admin.roles')}</th>
            <th>{t('common.region')}</th>
            <th>{t('common.phone')}</th>
            <th>{t('admin.lastLogin')}</th>
            <th>{t('common.status')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-testid="user-row" data-username={u.username}>
              <td className="mono">{u.username}</td>
              <td>{u.displayName}</td>
              <td>{u.roles.map((r) => t(`role.${r}` as MessageKey)).join('、')}</td>
              <td>{u.regionName}</td>
              <td>{u.phone ?? '—'}</td>
              <td className="muted">{formatDateTime(u.lastLoginAt, locale)}</td>
              <td>{u.disabled ? <span className="badge badge-offline">{t('admin.disabled')}</span> : '—'}</td>
              <td>
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() =>
                    setEditing({
                      id: u.id,
                      value: { ...u, roles: u.roles as Role[], password: '', phone: u.phone ?? '' },
                    })
                  }
                >
                  {t('common.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && (
        <UserForm
          initial={editing}
          regions={regions}
          onClose={() => setEditing(null)}
          onSave={async (v) => {
            const err = await onSave({ id: editing.id, value: v });
            if (!err) setEditing(null);
            return err;
          }}
        />
      )}
    </>
  );
}

function UserForm({
  initial,
  regions,
  onClose,
  onSave,
}: {
  initial: { id?: string; value: UserFormValue };
  regions: RegionView[];
  onClose(): void;
  onSave: Submit<UserFormValue>;
}) {
  const { t } = useI18n();
  const [v, setV] = useState(initial.value);
  const set = (patch: Partial<UserFormValue>) => setV((p) => ({ ...p, ...patch }));
  return (
    <FormDialog title={t('admin.users')} onClose={onClose} onSave={() => onSave(v)} testId="user-form">
      <label>{t('admin.username')}</label>
      <input value={v.username} disabled={!!initial.id} onChange={(e) => set({ username: e.target.value })} />
      <label>{t('admin.displayName')}</label>
      <input value={v.displayName} onChange={(e) => set({ displayName: e.target.value })} />
      <label>{t('admin.password')}</label>
      <input
        type="password"
        autoComplete="new-password"
        value={v.password}
        onChange={(e) => set({ password: e.target.value })}
      />
      <label>{t('admin.roles')}</label>
      <div className="btn-row">
        {ROLES.map((r) => (
          <label key={r} className="btn-row">
            <input
              type="checkbox"
              checked={v.roles.includes(r)}
              onChange={(e) =>
                set({ roles: e.target.checked ? [...v.roles, r] : v.roles.filter((x) => x !== r) })
              }
            />
            {t(`role.${r}` as MessageKey)}
          </label>
        ))}
      </div>
      <label>{t('common.region')}</label>
      <RegionSelect regions={regions} value={v.regionId} onChange={(regionId) => set({ regionId })} />
      <label>{t('common.phone')}</label>
      <input value={v.phone} onChange={(e) => set({ phone: e.target.value })} />
      {initial.id && (
        <>
          <label>{t('admin.disabled')}</label>
          <input type="checkbox" checked={v.disabled} onChange={(e) => set({ disabled: e.target.checked })} />
        </>
      )}
    </FormDialog>
  );
}

// ---- units

export interface UnitFormValue {
  name: string;
  kind: string;
  regionId: string;
  phone: string;
  disabled: boolean;
}

export function UnitsTable({
  units,
  regions,
  onSave,
}: {
  units: UnitView[];
  regions: RegionView[];
  onSave: Submit<{ id?: string; value: UnitFormValue }>;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<{ id?: string; value: UnitFormValue } | null>(null);
  return (
    <>
      <div className="toolbar">
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-primary btn-small"
          onClick={() =>
            setEditing({
              value: {
                name: '',
                kind: 'police_post',
                regionId: regions[0]?.id ?? '',
                phone: '',
                disabled: false,
              },
            })
          }
        >
          {t('common.create')}
        </button>
      </div>
      <table className="table" data-testid="units-table">
        <thead>
          <tr>
            <th>{t('common.name')}</th>
            <th>{t('admin.kind')}</th>
            <th>{t('common.region')}</th>
            <th>{t('common.phone')}</th>
            <th>{t('common.status')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {units.map((u) => (
            <tr key={u.id} data-testid="unit-row">
              <td>{u.name}</td>
              <td>{t(`unit.${u.kind}` as MessageKey)}</td>
              <td>{u.regionName}</td>
              <td>{u.phone ?? '—'}</td>
              <td>{u.disabled ? <span className="badge badge-offline">{t('admin.disabled')}</span> : '—'}</td>
              <td>
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => setEditing({ id: u.id, value: { ...u, phone: u.phone ?? '' } })}
                >
                  {t('common.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && (
        <UnitForm
          initial={editing.value}
          editing={!!editing.id}
          regions={regions}
          onClose={() => setEditing(null)}
          onSave={async (v) => {
            const err = await onSave({ id: editing.id, value: v });
            if (!err) setEditing(null);
            return err;
          }}
        />
      )}
    </>
  );
}

function UnitForm({
  initial,
  editing,
  regions,
  onClose,
  onSave,
}: {
  initial: UnitFormValue;
  editing: boolean;
  regions: RegionView[];
  onClose(): void;
  onSave: Submit<UnitFormValue>;
}) {
  const { t } = useI18n();
  const [v, setV] = useState(initial);
  const set = (patch: Partial<UnitFormValue>) => setV((p) => ({ ...p, ...patch }));
  return (
    <FormDialog title={t('admin.units')} onClose={onClose} onSave={() => onSave(v)}>
      <label>{t('common.name')}</label>
      <input value={v.name} onChange={(e) => set({ name: e.target.value })} />
      <label>{t('admin.kind')}</label>
      <select value={v.kind} onChange={(e) => set({ kind: e.target.value })}>
        {UNIT_KINDS.map((k) => (
          <option key={k} value={k}>
            {t(`unit.${k}` as MessageKey)}
          </option>
        ))}
      </select>
      <label>{t('common.region')}</label>
      <RegionSelect regions={regions} value={v.regionId} onChange={(regionId) => set({ regionId })} />
      <label>{t('common.phone')}</label>
      <input value={v.phone} onChange={(e) => set({ phone: e.target.value })} />
      {editing && (
        <>
          <label>{t('admin.disabled')}</label>
          <input type="checkbox" checked={v.disabled} onChange={(e) => set({ disabled: e.target.checked })} />
        </>
      )}
    </FormDialog>
  );
}

// ---- regions

export interface RegionFormValue {
  code: string;
  name: string;
  level: string;
  parentId: string;
  lon: string;
  lat: string;
}

export function RegionsTable({
  regions,
  onSave,
}: {
  regions: RegionView[];
  onSave: Submit<{ id?: string; value: RegionFormValue }>;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<{ id?: string; value: RegionFormValue } | null>(null);
  const byId = new Map(regions.map((r) => [r.id, r]));
  const sorted = [...regions].sort((a, b) => a.path.localeCompare(b.path));
  const order = REGION_LEVELS as readonly string[];
  return (
    <>
      <div className="toolbar">
        <span className="muted">{regions.length}</span>
        <span className="spacer" />
        <button
          type="button"
          className="btn btn-primary btn-small"
          onClick={() =>
            setEditing({
              value: {
                code: '',
                name: '',
                level: 'village',
                parentId: sorted[0]?.id ?? '',
                lon: String(sorted[0]?.centre.lon ?? ''),
                lat: String(sorted[0]?.centre.lat ?? ''),
              },
            })
          }
        >
          {t('common.create')}
        </button>
      </div>
      <table className="table" data-testid="regions-table">
        <thead>
          <tr>
            <th>{t('common.name')}</th>
            <th>{t('admin.code')}</th>
            <th>{t('admin.level')}</th>
            <th>{t('admin.parent')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.id}>
              <td style={{ paddingLeft: 8 + order.indexOf(r.level) * 16 }}>{r.name}</td>
              <td className="mono">{r.code}</td>
              <td>{t(`level.${r.level}` as MessageKey)}</td>
              <td>{r.parentId ? (byId.get(r.parentId)?.name ?? '—') : '—'}</td>
              <td>
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() =>
                    setEditing({
                      id: r.id,
                      value: {
                        code: r.code,
                        name: r.name,
                        level: r.level,
                        parentId: r.parentId ?? '',
                        lon: String(r.centre.lon),
                        lat: String(r.centre.lat),
                      },
                    })
                  }
                >
                  {t('common.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && (
        <RegionForm
          initial={editing.value}
          editing={!!editing.id}
          regions={regions}
          onClose={() => setEditing(null)}
          onSave={async (v) => {
            const err = await onSave({ id: editing.id, value: v });
            if (!err) setEditing(null);
            return err;
          }}
        />
      )}
    </>
  );
}

function RegionForm({
  initial,
  editing,
  regions,
  onClose,
  onSave,
}: {
  initial: RegionFormValue;
  editing: boolean;
  regions: RegionView[];
  onClose(): void;
  onSave: Submit<RegionFormValue>;
}) {
  const { t } = useI18n();
  const [v, setV] = useState(initial);
  const set = (patch: Partial<RegionFormValue>) => setV((p) => ({ ...p, ...patch }));
  return (
    <FormDialog title={t('admin.regions')} onClose={onClose} onSave={() => onSave(v)}>
      <label>{t('admin.code')}</label>
      <input value={v.code} disabled={editing} onChange={(e) => set({ code: e.target.value })} />
      <label>{t('common.name')}</label>
      <input value={v.name} onChange={(e) => set({ name: e.target.value })} />
      {!editing && (
        <>
          <label>{t('admin.level')}</label>
          <select value={v.level} onChange={(e) => set({ level: e.target.value })}>
            {REGION_LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`level.${l}` as MessageKey)}
              </option>
            ))}
          </select>
          <label>{t('admin.parent')}</label>
          <RegionSelect regions={regions} value={v.parentId} onChange={(parentId) => set({ parentId })} />
        </>
      )}
      <label>lon / lat</label>
      <div className="btn-row">
        <input value={v.lon} onChange={(e) => set({ lon: e.target.value })} style={{ width: 110 }} />
        <input value={v.lat} onChange={(e) => set({ lat: e.target.value })} style={{ width: 110 }} />
      </div>
    </FormDialog>
  );
}

// ---- SLA policies

const STAGE_FIELD = {
  acknowledge: 'acknowledgeSeconds',
  dispatch: 'dispatchSeconds',
  accept: 'acceptSeconds',
  arrive: 'arriveSeconds',
  resolve: 'resolveSeconds',
} as const;

export function SlaTable({
  policies,
  onSave,
}: {
  policies: SlaPolicyView[];
  onSave: Submit<{ id: string; patch: Partial<SlaPolicyView> }>;
}) {
  const { t } = useI18n();
  const [editing, setEditing] = useState<SlaPolicyView | null>(null);
  const mins = (s: number | null) =>
    s === null
      ? '—'
      : s >= 86400 && s % 86400 === 0
        ? `${s / 86400}d`
        : s >= 3600 && s % 3600 === 0
          ? `${s / 3600}h`
          : `${Math.round(s / 60)}m`;
  return (
    <>
      <table className="table" data-testid="sla-table">
        <thead>
          <tr>
            <th>{t('admin.alertType')}</th>
            <th>{t('admin.priority')}</th>
            {SLA_STAGES.map((s) => (
              <th key={s}>{t(`stage.${s}` as MessageKey)}</th>
            ))}
            <th>{t('admin.escalate')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {policies.map((p) => (
            <tr key={p.id}>
              <td>{t(`type.${p.alertType}` as MessageKey)}</td>
              <td>
                <span className={`badge badge-${p.priority}`}>
                  {t(`priority.${p.priority}` as MessageKey)}
                </span>
              </td>
              {SLA_STAGES.map((s) => (
                <td key={s} className="mono">
                  {mins(p[STAGE_FIELD[s]])}
                </td>
              ))}
              <td>{p.escalate ? t('common.yes') : t('common.no')}</td>
              <td>
                <button type="button" className="btn btn-small" onClick={() => setEditing(p)}>
                  {t('common.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && (
        <SlaForm
          policy={editing}
          onClose={() => setEditing(null)}
          onSave={async (patch) => {
            const err = await onSave({ id: editing.id, patch });
            if (!err) setEditing(null);
            return err;
          }}
        />
      )}
    </>
  );
}

function SlaForm({
  policy,
  onClose,
  onSave,
}: {
  policy: SlaPolicyView;
  onClose(): void;
  onSave: Submit<Partial<SlaPolicyView>>;
}) {
  const { t } = useI18n();
  const [minutes, setMinutes] = useState<Record<string, string>>(() =>
    Object.fromEntries(
      SLA_STAGES.map((s) => [
        s,
        policy[STAGE_FIELD[s]] === null ? '' : String(Math.round(policy[STAGE_FIELD[s]]! / 60)),
      ]),
    ),
  );
  const [escalate, setEscalate] = useState(policy.escalate);
  const [instructions, setInstructions] = useState(policy.instructions);
  return (
    <FormDialog
      title={`${t('admin.sla')} · ${t(`type.${policy.alertType}` as MessageKey)} · ${t(`priority.${policy.priority}` as MessageKey)}`}
      onClose={onClose}
      onSave={() =>
        onSave({
          ...Object.fromEntries(
            SLA_STAGES.map((s) => [STAGE_FIELD[s], minutes[s] ? Number(minutes[s]) * 60 : null]),
          ),
          escalate,
          instructions,
        })
      }
    >
      {SLA_STAGES.map((s) => (
        <div key={s} style={{ display: 'contents' }}>
          <label>
            {t(`stage.${s}` as MessageKey)} ({t('admin.minutes')})
          </label>
          <input
            type="number"
            min={1}
            value={minutes[s]}
            onChange={(e) => setMinutes((m) => ({ ...m, [s]: e.target.value }))}
          />
        </div>
      ))}
      <label>{t('admin.escalate')}</label>
      <input type="checkbox" checked={escalate} onChange={(e) => setEscalate(e.target.checked)} />
      <label>{t('detail.instructions')}</label>
      <textarea rows={5} value={instructions} onChange={(e) => setInstructions(e.target.value)} />
    </FormDialog>
  );
}

// ---- integration keys

export function IntegrationsTable({
  keys,
  regions,
  onCreate,
  onRevoke,
}: {
  keys: IntegrationKeyView[];
  regions: RegionView[];
  onCreate(body: { name: string; source: string; regionId: string }): Promise<CreatedIntegrationKey | string>;
  onRevoke(id: string): void;
}) {
  const { t, locale } = useI18n();
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<CreatedIntegrationKey | null>(null);
  const [v, setV] = useState({ name: '', source: 'hotline', regionId: regions[0]?.id ?? '' });
  return (
    <>
      <div className="toolbar">
        <span className="spacer" />
        <button type="button" className="btn btn-primary btn-small" onClick={() => setCreating(true)}>
          {t('common.create')}
        </button>
      </div>
      {shown && (
        <div className="panel" style={{ margin: 12 }} data-testid="key-once">
          <div>{t('admin.keyOnce')}</div>
          <div className="key-once">{shown.key}</div>
          <button type="button" className="btn btn-small" onClick={() => setShown(null)}>
            {t('common.close')}
          </button>
        </div>
      )}
      <table className="table" data-testid="integrations-table">
        <thead>
          <tr>
            <th>{t('common.name')}</th>
            <th>{t('admin.source')}</th>
            <th>{t('common.region')}</th>
            <th>Prefix</th>
            <th>{t('common.time')}</th>
            <th>{t('common.status')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td>
              <td>{t(`source.${k.source}` as MessageKey)}</td>
              <td>{k.regionName ?? regions.find((r) => r.id === k.regionId)?.name}</td>
              <td className="mono">{k.prefix}…</td>
              <td className="muted">{formatDateTime(k.createdAt, locale)}</td>
              <td>{k.revokedAt ? <span className="badge badge-offline">{t('admin.revoke')}</span> : '—'}</td>
              <td>
                {!k.revokedAt && (
                  <button
                    type="button"
                    className="btn btn-small btn-danger"
                    onClick={() => window.confirm(`${t('admin.revoke')} ${k.name}?`) && onRevoke(k.id)}
                  >
                    {t('admin.revoke')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {creating && (
        <FormDialog
          title={t('admin.integrations')}
          onClose={() => setCreating(false)}
          onSave={async () => {
            const res = await onCreate(v);
            if (typeof res === 'string') return res;
            setShown(res);
            setCreating(false);
            return null;
          }}
        >
          <label>{t('common.name')}</label>
          <input value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} />
          <label>{t('admin.source')}</label>
          <select value={v.source} onChange={(e) => setV({ ...v, source: e.target.value })}>
            {IntegrationSourceSchema.options.map((s) => (
              <option key={s} value={s}>
                {t(`source.${s}` as MessageKey)}
              </option>
            ))}
          </select>
          <label>{t('common.region')}</label>
          <RegionSelect
            regions={regions}
            value={v.regionId}
            onChange={(regionId) => setV({ ...v, regionId })}
            maxLevel="village"
          />
        </FormDialog>
      )}
    </>
  );
}

// ---- audit

export function AuditTable({ entries }: { entries: AuditEntryView[] }) {
  const { t, locale } = useI18n();
  return (
    <table className="table" data-testid="audit-table">
      <thead>
        <tr>
          <th>{t('common.time')}</th>
          <th>{t('admin.actor')}</th>
          <th>{t('admin.action')}</th>
          <th>{t('admin.target')}</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.id}>
            <td className="muted">{formatDateTime(e.at, locale)}</td>
            <td>{e.actorName}</td>
            <td className="mono">{e.action}</td>
            <td className="mono small">
              {e.targetType} {e.targetId ?? ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
