import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type {
  CreatedIntegrationKey,
  CreateIntegrationKey,
  RegionLevel,
  RegionView,
  SlaPolicyView,
  UnitKind,
  UnitView,
  UserView,
} from '@xueliang/contracts';
import { ApiRequestError } from '../api/client';
import { auditApi, integrationsApi, regionsApi, slaApi, unitsApi, usersApi } from '../api/endpoints';
import { useRegions } from '../hooks/use-regions';
import { useResource, type Resource } from '../hooks/use-resource';
import { useI18n } from '../i18n/i18n-provider';
import {
  auditTable,
  integrationsTable,
  regionsTable,
  slaPolicyUpdate,
  slaTable,
  unitsTable,
  usersTable,
  type AdminContext,
  type SlaFormValue,
  type UnitFormValue,
  type UserFormValue,
} from '../views/admin/admin-tables';
import { CrudTable, type CrudConfig, type FormValue } from '../views/admin/crud-table';
import { KeyOnce } from '../views/admin/key-once';
import { ListStateBox, StateBox } from '../views/common/state-box';
import { Tabs } from '../views/common/tabs';

type Tab = 'users' | 'regions' | 'units' | 'sla' | 'integrations' | 'audit';

function message(err: unknown): string {
  if (err instanceof ApiRequestError) {
    const issues = err.body.issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
    return issues ? `${err.message} (${issues})` : err.message;
  }
  return String(err);
}

/** Runs a save for a form: null when it worked, else the message the form shows. */
async function attempt(save: () => Promise<unknown>): Promise<string | null> {
  try {
    await save();
    return null;
  } catch (err) {
    return message(err);
  }
}

/** 系统管理: ?tab= picks the table; each table loads only when shown. */
export function AdminPage() {
  const { t, locale } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = (params.get('tab') as Tab) || 'users';
  const regions = useRegions();
  const ctx: AdminContext = { t, locale, regions: regions.index.list };
  return (
    <div>
      <Tabs
        items={[
          { key: 'users', label: t('admin.users') },
          { key: 'regions', label: t('admin.regions') },
          { key: 'units', label: t('admin.units') },
          { key: 'sla', label: t('admin.sla') },
          { key: 'integrations', label: t('admin.integrations') },
          { key: 'audit', label: t('admin.audit') },
        ]}
        active={tab}
        onChange={(k) => setParams({ tab: k })}
      />
      {tab === 'users' && (
        <FetchedTable config={usersTable(ctx)} regions={ctx.regions} load={usersApi.list} save={saveUser} />
      )}
      {tab === 'units' && (
        <FetchedTable config={unitsTable(ctx)} regions={ctx.regions} load={unitsApi.list} save={saveUnit} />
      )}
      {tab === 'regions' && (
        <StateBox loading={regions.loading} error={regions.error} empty={!regions.index.list.length}>
          <CrudTable
            config={regionsTable(ctx)}
            rows={ctx.regions}
            regions={ctx.regions}
            onSave={(id, value) =>
              attempt(async () => {
                const centre = { lon: Number(value.lon), lat: Number(value.lat) };
                if (id) await regionsApi.update(id, { name: value.name, centre });
                else
                  await regionsApi.create({
                    code: value.code,
                    name: value.name,
                    level: value.level as RegionLevel,
                    parentId: value.parentId,
                    centre,
                  });
                regions.reload();
              })
            }
          />
        </StateBox>
      )}
      {tab === 'sla' && (
        <FetchedTable config={slaTable(ctx)} regions={ctx.regions} load={slaApi.list} save={saveSlaPolicy} />
      )}
      {tab === 'integrations' && <IntegrationsSection ctx={ctx} />}
      {tab === 'audit' && (
        <FetchedTable config={auditTable(ctx)} regions={ctx.regions} load={auditApi.list} />
      )}
    </div>
  );
}

/**
 * One admin table fetched when shown: `save` sends a saved form and refreshes the list; an
 * error it throws becomes the form's message.
 */
function FetchedTable<Row extends { id: string }, V extends FormValue>({
  load,
  config,
  regions,
  save,
}: {
  load(): Promise<Row[]>;
  config: CrudConfig<Row, V>;
  regions: RegionView[];
  save?(list: Resource<Row[]>, id: string | undefined, value: V): Promise<void>;
}) {
  const list = useResource(load, []);
  return (
    <ListStateBox list={list}>
      <CrudTable<Row, V>
        config={config}
        rows={list.data ?? []}
        regions={regions}
        onSave={save && ((id, value) => attempt(() => save(list, id, value)))}
      />
    </ListStateBox>
  );
}

async function saveUser(users: Resource<UserView[]>, id: string | undefined, value: UserFormValue) {
  const base = { displayName: value.displayName, roles: value.roles, regionId: value.regionId };
  if (id)
    await usersApi.update(id, {
      ...base,
      phone: value.phone || null,
      disabled: value.disabled,
      ...(value.password ? { password: value.password } : {}),
    });
  else
    await usersApi.create({
      ...base,
      username: value.username,
      password: value.password,
      phone: value.phone || undefined,
    });
  users.reload();
}

async function saveUnit(units: Resource<UnitView[]>, id: string | undefined, value: UnitFormValue) {
  const body = { name: value.name, kind: value.kind as UnitKind, regionId: value.regionId };
  if (id) await unitsApi.update(id, { ...body, phone: value.phone || null, disabled: value.disabled });
  else await unitsApi.create({ ...body, phone: value.phone || undefined });
  units.reload();
}

async function saveSlaPolicy(
  policies: Resource<SlaPolicyView[]>,
  id: string | undefined,
  value: SlaFormValue,
) {
  if (!id) return; // policies are seeded per type and priority; only edited here
  const updated = await slaApi.update(id, slaPolicyUpdate(value));
  policies.setData((prev) => (prev ?? []).map((p) => (p.id === id ? updated : p)));
}

function IntegrationsSection({ ctx }: { ctx: AdminContext }) {
  const keys = useResource(() => integrationsApi.list(), []);
  // The secret is shown once, right after it was created; the api never returns it again.
  const [created, setCreated] = useState<CreatedIntegrationKey | null>(null);
  return (
    <StateBox loading={keys.loading} error={keys.error} empty={false} onRetry={keys.reload}>
      <CrudTable
        config={integrationsTable(ctx)}
        rows={keys.data ?? []}
        regions={ctx.regions}
        banner={created && <KeyOnce secret={created.key} onClose={() => setCreated(null)} />}
        onSave={(_id, value) =>
          attempt(async () => {
            setCreated(await integrationsApi.create(value as CreateIntegrationKey));
            keys.reload();
          })
        }
        onRemove={(k) => void integrationsApi.revoke(k.id).then(keys.reload, keys.reload)}
      />
    </StateBox>
  );
}
