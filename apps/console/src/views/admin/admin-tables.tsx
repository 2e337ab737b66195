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
import { CreateToolbar, DataTable, EnumSelect, Field, FormDialog, TextField } from '../common/form';
import { RegionSelect } from '../common/region-select';

type Submit<T> = (value: T) => Promise<string | null>;

/** Waits for a save; closes the form when it worked, else leaves it open with the message. */
async function saveThenClose(save: Promise<string | null>, close: () => void): Promise<string | null> {
  const err = await save;
  if (!err) close();
  return err;
}

function DisabledBadge({ disabled }: { disabled: boolean }) {
  const { t } = useI18n();
  return disabled ? <span className="badge badge-offline">{t('admin.disabled')}</span> : '—';
}

function EditButton({ onClick }: { onClick(): void }) {
  const { t } = useI18n();
  return (
    <button type="button" className="btn btn-small" onClick={onClick}>
      {t('common.edit')}
    </button>
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
      <CreateToolbar
        testId="user-create"
        onCreate={() =>
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
      />
      <DataTable
        testId="users-table"
        columns={[
          t('admin.username'),
          t('admin.displayName'),
          t('admin.roles'),
          t('common.region'),
          t('common.phone'),
          t('admin.lastLogin'),
          t('common.status'),
          '',
        ]}
      >
        {users.map((u) => (
          <tr key={u.id} data-testid="user-row" data-username={u.username}>
            <td className="mono">{u.username}</td>
            <td>{u.displayName}</td>
            <td>{u.roles.map((r) => t(`role.${r}` as MessageKey)).join('、')}</td>
            <td>{u.regionName}</td>
            <td>{u.phone ?? '—'}</td>
            <td className="muted">{formatDateTime(u.lastLoginAt, locale)}</td>
            <td>
              <DisabledBadge disabled={u.disabled} />
            </td>
            <td>
              <EditButton
                onClick={() =>
                  setEditing({
                    id: u.id,
                    value: { ...u, roles: u.roles as Role[], password: '', phone: u.phone ?? '' },
                  })
                }
              />
            </td>
          </tr>
        ))}
      </DataTable>
      {editing && (
        <UserForm
          initial={editing}
          regions={regions}
          onClose={() => setEditing(null)}
          onSave={(v) => saveThenClose(onSave({ id: editing.id, value: v }), () => setEditing(null))}
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
    <FormDialog
      title={t('admin.users')}
      onClose={onClose}
      onSubmit={() => onSave(v)}
      testId="user-form"
      submitTestId="form-save"
    >
      <div className="form-grid">
        <TextField
          label={t('admin.username')}
          value={v.username}
          disabled={!!initial.id}
          onChange={(username) => set({ username })}
        />
        <TextField
          label={t('admin.displayName')}
          value={v.displayName}
          onChange={(displayName) => set({ displayName })}
        />
        <TextField
          label={t('admin.password')}
          type="password"
          autoComplete="new-password"
          value={v.password}
          onChange={(password) => set({ password })}
        />
        <Field label={t('admin.roles')}>
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
        </Field>
        <RegionAndPhone value={v} onChange={set} regions={regions} />
        {initial.id && <DisabledField value={v.disabled} onChange={(disabled) => set({ disabled })} />}
      </div>
    </FormDialog>
  );
}

/** Region and phone: the same two rows in the user and the unit form. */
function RegionAndPhone({
  value,
  onChange,
  regions,
}: {
  value: { regionId: string; phone: string };
  onChange(patch: { regionId?: string; phone?: string }): void;
  regions: RegionView[];
}) {
  const { t } = useI18n();
  return (
    <>
      <Field label={t('common.region')}>
        <RegionSelect
          regions={regions}
          value={value.regionId}
          onChange={(regionId) => onChange({ regionId })}
        />
      </Field>
      <TextField label={t('common.phone')} value={value.phone} onChange={(phone) => onChange({ phone })} />
    </>
  );
}

function DisabledField({ value, onChange }: { value: boolean; onChange(disabled: boolean): void }) {
  const { t } = useI18n();
  return (
    <Field label={t('admin.disabled')}>
      <input type="checkbox" checked={value} onChange={(e) => onChange(e.target.checked)} />
    </Field>
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
      <CreateToolbar
        onCreate={() =>
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
      />
      <DataTable
        testId="units-table"
        columns={[
          t('common.name'),
          t('admin.kind'),
          t('common.region'),
          t('common.phone'),
          t('common.status'),
          '',
        ]}
      >
        {units.map((u) => (
          <tr key={u.id} data-testid="unit-row">
            <td>{u.name}</td>
            <td>{t(`unit.${u.kind}` as MessageKey)}</td>
            <td>{u.regionName}</td>
            <td>{u.phone ?? '—'}</td>
            <td>
              <DisabledBadge disabled={u.disabled} />
            </td>
            <td>
              <EditButton onClick={() => setEditing({ id: u.id, value: { ...u, phone: u.phone ?? '' } })} />
            </td>
          </tr>
        ))}
      </DataTable>
      {editing && (
        <UnitForm
          initial={editing.value}
          editing={!!editing.id}
          regions={regions}
          onClose={() => setEditing(null)}
          onSave={(v) => saveThenClose(onSave({ id: editing.id, value: v }), () => setEditing(null))}
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
    <FormDialog
      title={t('admin.units')}
      onClose={onClose}
      onSubmit={() => onSave(v)}
      submitTestId="form-save"
    >
      <div className="form-grid">
        <TextField label={t('common.name')} value={v.name} onChange={(name) => set({ name })} />
        <Field label={t('admin.kind')}>
          <EnumSelect values={UNIT_KINDS} prefix="unit" value={v.kind} onChange={(kind) => set({ kind })} />
        </Field>
        <RegionAndPhone value={v} onChange={set} regions={regions} />
        {editing && <DisabledField value={v.disabled} onChange={(disabled) => set({ disabled })} />}
      </div>
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
      <CreateToolbar
        onCreate={() =>
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
        <span className="muted">{regions.length}</span>
      </CreateToolbar>
      <DataTable
        testId="regions-table"
        columns={[t('common.name'), t('admin.code'), t('admin.level'), t('admin.parent'), '']}
      >
        {sorted.map((r) => (
          <tr key={r.id}>
            <td style={{ paddingLeft: 8 + order.indexOf(r.level) * 16 }}>{r.name}</td>
            <td className="mono">{r.code}</td>
            <td>{t(`level.${r.level}` as MessageKey)}</td>
            <td>{r.parentId ? (byId.get(r.parentId)?.name ?? '—') : '—'}</td>
            <td>
              <EditButton
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
              />
            </td>
          </tr>
        ))}
      </DataTable>
      {editing && (
        <RegionForm
          initial={editing.value}
          editing={!!editing.id}
          regions={regions}
          onClose={() => setEditing(null)}
          onSave={(v) => saveThenClose(onSave({ id: editing.id, value: v }), () => setEditing(null))}
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
    <FormDialog
      title={t('admin.regions')}
      onClose={onClose}
      onSubmit={() => onSave(v)}
      submitTestId="form-save"
    >
      <div className="form-grid">
        <TextField
          label={t('admin.code')}
          value={v.code}
          disabled={editing}
          onChange={(code) => set({ code })}
        />
        <TextField label={t('common.name')} value={v.name} onChange={(name) => set({ name })} />
        {!editing && (
          <>
            <Field label={t('admin.level')}>
              <EnumSelect
                values={REGION_LEVELS}
                prefix="level"
                value={v.level}
                onChange={(level) => set({ level })}
              />
            </Field>
            <Field label={t('admin.parent')}>
              <RegionSelect regions={regions} value={v.parentId} onChange={(parentId) => set({ parentId })} />
            </Field>
          </>
        )}
        <Field label="lon / lat">
          <div className="btn-row">
            <input value={v.lon} onChange={(e) => set({ lon: e.target.value })} style={{ width: 110 }} />
            <input value={v.lat} onChange={(e) => set({ lat: e.target.value })} style={{ width: 110 }} />
          </div>
        </Field>
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
      <DataTable
        testId="sla-table"
        columns={[
          t('admin.alertType'),
          t('admin.priority'),
          ...SLA_STAGES.map((s) => t(`stage.${s}` as MessageKey)),
          t('admin.escalate'),
          '',
        ]}
      >
        {policies.map((p) => (
          <tr key={p.id}>
            <td>{t(`type.${p.alertType}` as MessageKey)}</td>
            <td>
              <span className={`badge badge-${p.priority}`}>{t(`priority.${p.priority}` as MessageKey)}</span>
            </td>
            {SLA_STAGES.map((s) => (
              <td key={s} className="mono">
                {mins(p[STAGE_FIELD[s]])}
              </td>
            ))}
            <td>{p.escalate ? t('common.yes') : t('common.no')}</td>
            <td>
              <EditButton onClick={() => setEditing(p)} />
            </td>
          </tr>
        ))}
      </DataTable>
      {editing && (
        <SlaForm
          policy={editing}
          onClose={() => setEditing(null)}
          onSave={(patch) => saveThenClose(onSave({ id: editing.id, patch }), () => setEditing(null))}
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
      submitTestId="form-save"
      onSubmit={() =>
        onSave({
          ...Object.fromEntries(
            SLA_STAGES.map((s) => [STAGE_FIELD[s], minutes[s] ? Number(minutes[s]) * 60 : null]),
          ),
          escalate,
          instructions,
        })
      }
    >
      <div className="form-grid">
        {SLA_STAGES.map((s) => (
          <TextField
            key={s}
            label={`${t(`stage.${s}` as MessageKey)} (${t('admin.minutes')})`}
            type="number"
            min={1}
            value={minutes[s]}
            onChange={(value) => setMinutes((m) => ({ ...m, [s]: value }))}
          />
        ))}
        <Field label={t('admin.escalate')}>
          <input type="checkbox" checked={escalate} onChange={(e) => setEscalate(e.target.checked)} />
        </Field>
        <Field label={t('detail.instructions')}>
          <textarea rows={5} value={instructions} onChange={(e) => setInstructions(e.target.value)} />
        </Field>
      </div>
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
      <CreateToolbar onCreate={() => setCreating(true)} />
      {shown && (
        <div className="panel" style={{ margin: 12 }} data-testid="key-once">
          <div>{t('admin.keyOnce')}</div>
          <div className="key-once">{shown.key}</div>
          <button type="button" className="btn btn-small" onClick={() => setShown(null)}>
            {t('common.close')}
          </button>
        </div>
      )}
      <DataTable
        testId="integrations-table"
        columns={[
          t('common.name'),
          t('admin.source'),
          t('common.region'),
          'Prefix',
          t('common.time'),
          t('common.status'),
          '',
        ]}
      >
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
      </DataTable>
      {creating && (
        <FormDialog
          title={t('admin.integrations')}
          onClose={() => setCreating(false)}
          submitTestId="form-save"
          onSubmit={async () => {
            const res = await onCreate(v);
            if (typeof res === 'string') return res;
            setShown(res);
            setCreating(false);
            return null;
          }}
        >
          <div className="form-grid">
            <TextField label={t('common.name')} value={v.name} onChange={(name) => setV({ ...v, name })} />
            <Field label={t('admin.source')}>
              <EnumSelect
                values={IntegrationSourceSchema.options}
                prefix="source"
                value={v.source}
                onChange={(source) => setV({ ...v, source })}
              />
            </Field>
            <Field label={t('common.region')}>
              <RegionSelect
                regions={regions}
                value={v.regionId}
                onChange={(regionId) => setV({ ...v, regionId })}
                maxLevel="village"
              />
            </Field>
          </div>
        </FormDialog>
      )}
    </>
  );
}

// ---- audit

export function AuditTable({ entries }: { entries: AuditEntryView[] }) {
  const { t, locale } = useI18n();
  return (
    <DataTable
      testId="audit-table"
      columns={[t('common.time'), t('admin.actor'), t('admin.action'), t('admin.target')]}
    >
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
    </DataTable>
  );
}
