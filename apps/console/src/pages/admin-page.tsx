import { useSearchParams } from 'react-router-dom';
import type { CreateIntegrationKey, RegionLevel, Role, UnitKind, UpdateSlaPolicy } from '@xueliang/contracts';
import { ApiRequestError } from '../api/client';
import { auditApi, integrationsApi, regionsApi, slaApi, unitsApi, usersApi } from '../api/endpoints';
import { useRegions } from '../hooks/use-regions';
import { useResource } from '../hooks/use-resource';
import { useI18n } from '../i18n/i18n-provider';
import {
  AuditTable,
  IntegrationsTable,
  RegionsTable,
  SlaTable,
  UnitsTable,
  UsersTable,
  type RegionFormValue,
  type UnitFormValue,
  type UserFormValue,
} from '../views/admin/admin-tables';
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
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = (params.get('tab') as Tab) || 'users';
  const regions = useRegions();
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
      {tab === 'users' && <UsersSection regions={regions.index.list} />}
      {tab === 'units' && <UnitsSection regions={regions.index.list} />}
      {tab === 'regions' && (
        <StateBox loading={regions.loading} error={regions.error} empty={!regions.index.list.length}>
          <RegionsTable
            regions={regions.index.list}
            onSave={({ id, value }: { id?: string; value: RegionFormValue }) =>
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
      {tab === 'sla' && <SlaSection />}
      {tab === 'integrations' && <IntegrationsSection regions={regions.index.list} />}
      {tab === 'audit' && <AuditSection />}
    </div>
  );
}

function UsersSection({ regions }: { regions: Parameters<typeof UsersTable>[0]['regions'] }) {
  const users = useResource(() => usersApi.list(), []);
  return (
    <ListStateBox list={users}>
      <UsersTable
        users={users.data ?? []}
        regions={regions}
        onSave={({ id, value }: { id?: string; value: UserFormValue }) =>
          attempt(async () => {
            const base = {
              displayName: value.displayName,
              roles: value.roles as Role[],
              regionId: value.regionId,
            };
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
          })
        }
      />
    </ListStateBox>
  );
}

function UnitsSection({ regions }: { regions: Parameters<typeof UnitsTable>[0]['regions'] }) {
  const units = useResource(() => unitsApi.list(), []);
  return (
    <ListStateBox list={units}>
      <UnitsTable
        units={units.data ?? []}
        regions={regions}
        onSave={({ id, value }: { id?: string; value: UnitFormValue }) =>
          attempt(async () => {
            const body = { name: value.name, kind: value.kind as UnitKind, regionId: value.regionId };
            if (id)
              await unitsApi.update(id, { ...body, phone: value.phone || null, disabled: value.disabled });
            else await unitsApi.create({ ...body, phone: value.phone || undefined });
            units.reload();
          })
        }
      />
    </ListStateBox>
  );
}

function SlaSection() {
  const policies = useResource(() => slaApi.list(), []);
  return (
    <ListStateBox list={policies}>
      <SlaTable
        policies={policies.data ?? []}
        onSave={({ id, patch }) =>
          attempt(async () => {
            const {
              acknowledgeSeconds,
              dispatchSeconds,
              acceptSeconds,
              arriveSeconds,
              resolveSeconds,
              escalate,
              instructions,
            } = patch;
            const body: UpdateSlaPolicy = {
              acknowledgeSeconds,
              dispatchSeconds,
              acceptSeconds,
              arriveSeconds,
              resolveSeconds,
              escalate,
              instructions,
            };
            const updated = await slaApi.update(id, body);
            policies.setData((prev) => (prev ?? []).map((p) => (p.id === id ? updated : p)));
          })
        }
      />
    </ListStateBox>
  );
}

function IntegrationsSection({ regions }: { regions: Parameters<typeof IntegrationsTable>[0]['regions'] }) {
  const keys = useResource(() => integrationsApi.list(), []);
  return (
    <StateBox loading={keys.loading} error={keys.error} empty={false} onRetry={keys.reload}>
      <IntegrationsTable
        keys={keys.data ?? []}
        regions={regions}
        onCreate={async (body) => {
          try {
            const created = await integrationsApi.create(body as CreateIntegrationKey);
            keys.reload();
            return created;
          } catch (err) {
            return message(err);
          }
        }}
        onRevoke={(id) => void integrationsApi.revoke(id).then(keys.reload, keys.reload)}
      />
    </StateBox>
  );
}

function AuditSection() {
  const audit = useResource(() => auditApi.list(), []);
  return (
    <ListStateBox list={audit}>
      <AuditTable entries={audit.data ?? []} />
    </ListStateBox>
  );
}
