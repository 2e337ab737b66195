import { useCallback, useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type {
  BulkCameraEdit,
  CameraView,
  CheckpointView,
  DiscoveredDevice,
  RegionView,
  UpdateCamera,
} from '@xueliang/contracts';
import { ApiRequestError } from '../api/client';
import { cameraImportApi, camerasApi, checkpointLocation, checkpointsApi, mutesApi } from '../api/endpoints';
import { useImportJob } from '../hooks/use-import-job';
import { BulkEditBar, type DistributiveOmit } from '../views/cameras/bulk-edit-bar';
import { ImportPanel, ImportProgress, ImportReport } from '../views/cameras/import-panel';
import { useUser } from '../api/session-provider';
import { useCameras } from '../hooks/use-cameras';
import { useRegions } from '../hooks/use-regions';
import { useResource } from '../hooks/use-resource';
import { useI18n, type Translate } from '../i18n/i18n-provider';
import { CameraForm, type CameraFormValue } from '../views/cameras/camera-form';
import { CheckpointForm } from '../views/cameras/checkpoint-form';
import { CameraTable, CameraToolbar } from '../views/cameras/camera-table';
import { CheckpointTable } from '../views/cameras/checkpoint-table';
import { DiscoveryTable, DiscoveryToolbar } from '../views/cameras/discovery-table';
import { MuteDialog } from '../views/cameras/mute-dialog';
import { MutesTable, MutesToolbar } from '../views/cameras/mutes-table';
import { probeFailureText } from '../views/cameras/status-reason';
import { CreateToolbar } from '../views/common/form';
import { ListStateBox, StateBox } from '../views/common/state-box';
import { Tabs } from '../views/common/tabs';

type Tab = 'list' | 'health' | 'discovery' | 'import' | 'checkpoints' | 'mutes';

/** A set with some ids ticked or unticked. */
function ticked(set: ReadonlySet<string>, ids: string[], on: boolean): Set<string> {
  const next = new Set(set);
  for (const id of ids) {
    if (on) next.add(id);
    else next.delete(id);
  }
  return next;
}

function describe(err: unknown, t: Translate): string {
  if (err instanceof ApiRequestError) {
    // A failed camera probe says first, in the operator's words, what went wrong.
    const reason = probeFailureText(t, err.body.code);
    const code = typeof err.body.code === 'string' ? `[${err.body.code}] ` : '';
    const issues = err.body.issues?.map((i) => `${i.path}: ${i.message}`).join('; ');
    // A field error's message already reads "password: …"; say it once.
    const extra = issues && issues !== err.message ? ` (${issues})` : '';
    return `${reason ? `${reason} · ` : ''}${code}${err.message}${extra}`;
  }
  return String(err);
}

/** 设备运维: the technician's page. ?tab= picks the view. */
export function CamerasPage() {
  const { t } = useI18n();
  const user = useUser();
  const [params, setParams] = useSearchParams();
  const tab = (params.get('tab') as Tab) || 'list';
  const regions = useRegions();
  const cameras = useCameras();
  const checkpoints = useResource(() => checkpointsApi.list(), []);
  const [form, setForm] = useState<{ camera?: CameraView; initial: CameraFormValue } | null>(null);
  const [cpForm, setCpForm] = useState<{ cp?: CheckpointView } | null>(null);
  const [muting, setMuting] = useState<CameraView | null>(null);
  const [q, setQ] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const reloadCameras = cameras.reload;
  const onImported = useCallback(() => reloadCameras(), [reloadCameras]);

  const bulkEdit = async (edit: DistributiveOmit<BulkCameraEdit, 'ids'>) => {
    try {
      const result = await cameraImportApi.bulk({ ...edit, ids: [...selected] });
      cameras.reload();
      return result;
    } catch (err) {
      return describe(err, t);
    }
  };

  const list = cameras.data ?? [];
  const online = list.filter((c) => c.status === 'online').length;
  const shown = useMemo(
    () =>
      list
        .filter((c) => (tab === 'health' ? c.status !== 'online' : true))
        .filter(
          (c) => !q || `${c.name} ${c.regionName} ${c.onvifAddress}`.toLowerCase().includes(q.toLowerCase()),
        ),
    [list, tab, q],
  );

  const blank = (address = '', name = ''): CameraFormValue => ({
    name,
    onvifAddress: address,
    username: 'admin',
    password: '',
    regionId: user.regionId,
    location: null,
    trustDeviceAddresses: false,
    nationalCode: '',
  });

  /** Opens the edit form on the camera's detail, which names its stored username. */
  const edit = async (c: CameraView) => {
    try {
      const d = await camerasApi.get(c.id);
      setForm({
        camera: d,
        initial: {
          name: d.name,
          onvifAddress: d.onvifAddress,
          username: d.username,
          password: '',
          regionId: d.regionId,
          location: d.location,
          trustDeviceAddresses: d.trustDeviceAddresses,
          nationalCode: d.nationalCode ?? '',
        },
      });
    } catch (err) {
      setNotice(describe(err, t));
    }
  };

  const submitCamera = async (v: CameraFormValue): Promise<string | null> => {
    try {
      if (form?.camera) {
        // Only what changed: a new address, username or password is probed before it is saved.
        const was = form.initial;
        const body: UpdateCamera = { name: v.name, regionId: v.regionId, location: v.location ?? undefined };
        const onvifAddress = v.onvifAddress.trim();
        if (onvifAddress !== was.onvifAddress) body.onvifAddress = onvifAddress;
        if (v.username !== was.username) body.username = v.username;
        if (v.password) body.password = v.password;
        if (v.trustDeviceAddresses !== was.trustDeviceAddresses)
          body.trustDeviceAddresses = v.trustDeviceAddresses;
        const code = v.nationalCode.trim();
        if (code !== was.nationalCode) body.nationalCode = code || null;
        await camerasApi.update(form.camera.id, body);
      } else {
        await camerasApi.register({
          name: v.name || undefined,
          onvifAddress: v.onvifAddress,
          username: v.username,
          password: v.password,
          regionId: v.regionId,
          location: v.location!,
          trustDeviceAddresses: v.trustDeviceAddresses,
          nationalCode: v.nationalCode.trim() || undefined,
        });
      }
      setForm(null);
      cameras.reload();
      setNotice(t('common.saved'));
      return null;
    } catch (err) {
      return describe(err, t);
    }
  };

  const removeCamera = async (c: CameraView) => {
    try {
      await camerasApi.remove(c.id);
      cameras.reload();
    } catch (err) {
      setNotice(describe(err, t));
    }
  };

  const removeCheckpoint = async (c: CheckpointView) => {
    await checkpointsApi.remove(c.id).catch((err: unknown) => setNotice(describe(err, t)));
    checkpoints.reload();
  };

  return (
    <div>
      <Tabs
        items={[
          { key: 'list', label: t('cameras.list') },
          { key: 'health', label: t('cameras.health') },
          { key: 'discovery', label: t('cameras.discovery') },
          { key: 'import', label: t('import.tab') },
          { key: 'checkpoints', label: t('cameras.checkpoints') },
          { key: 'mutes', label: t('cameras.mutes') },
        ]}
        active={tab}
        onChange={(k) => setParams({ tab: k })}
      />
      {(tab === 'list' || tab === 'health') && (
        <>
          <CameraToolbar
            query={q}
            onQuery={setQ}
            online={online}
            total={list.length}
            notice={notice}
            onAdd={() => setForm({ initial: blank() })}
          />
          {selected.size > 0 && (
            <BulkEditBar
              count={selected.size}
              regions={regions.index.list}
              onApply={bulkEdit}
              onClear={() => setSelected(new Set())}
            />
          )}
          <StateBox
            loading={cameras.loading}
            error={cameras.error}
            empty={!shown.length}
            onRetry={cameras.reload}
          >
            <CameraTable
              cameras={shown}
              selected={selected}
              onSelect={(ids, on) => setSelected((cur) => ticked(cur, ids, on))}
              onEdit={(c) => void edit(c)}
              onMute={setMuting}
              onRemove={(c) => void removeCamera(c)}
            />
          </StateBox>
        </>
      )}
      {tab === 'discovery' && (
        <DiscoverySection
          regions={regions.index.list}
          defaultRegionId={user.regionId}
          onRegister={(d) => setForm({ initial: blank(d.xaddr, d.name ?? '') })}
          onRegistered={onImported}
        />
      )}
      {tab === 'import' && <ImportPanel regions={regions.index.list} onRegistered={onImported} />}
      {tab === 'checkpoints' && (
        <div>
          <CreateToolbar onCreate={() => setCpForm({})} />
          <ListStateBox list={checkpoints}>
            <CheckpointTable
              checkpoints={checkpoints.data ?? []}
              regionName={(id) => regions.index.byId.get(id)?.name}
              onEdit={(cp) => setCpForm({ cp })}
              onRemove={(c) => void removeCheckpoint(c)}
            />
          </ListStateBox>
        </div>
      )}
      {tab === 'mutes' && <MutesSection cameras={list} />}
      {muting && (
        <MuteDialog
          camera={muting}
          onClose={() => setMuting(null)}
          onSubmit={async (body) => {
            try {
              await mutesApi.create(body);
              setMuting(null);
              setNotice(t('common.saved'));
              return null;
            } catch (err) {
              return describe(err, t);
            }
          }}
        />
      )}
      {form && (
        <CameraForm
          title={form.camera ? `${t('common.edit')} · ${form.camera.name}` : t('cameras.add')}
          initial={form.initial}
          editing={!!form.camera}
          cameraId={form.camera?.id}
          regions={regions.index.list}
          cameras={list}
          onClose={() => setForm(null)}
          onSubmit={submitCamera}
        />
      )}
      {cpForm && (
        <CheckpointForm
          editing={!!cpForm.cp}
          regions={regions.index.list}
          initial={
            cpForm.cp
              ? { ...cpForm.cp, location: checkpointLocation(cpForm.cp) }
              : {
                  code: '',
                  name: '',
                  regionId: user.regionId,
                  road: '',
                  direction: '',
                  lanes: 2,
                  location: null,
                }
          }
          onClose={() => setCpForm(null)}
          onSubmit={async (v) => {
            try {
              if (cpForm.cp) {
                const { code: _code, ...rest } = v;
                await checkpointsApi.update(cpForm.cp.id, rest);
              } else await checkpointsApi.create(v);
              setCpForm(null);
              checkpoints.reload();
              return null;
            } catch (err) {
              return describe(err, t);
            }
          }}
        />
      )}
    </div>
  );
}

/**
 * Runs a WS-Discovery scan on the gateway and lists what answered; one click registers one, or
 * tick many and register them with one region and one set of credentials.
 */
function DiscoverySection({
  regions,
  defaultRegionId,
  onRegister,
  onRegistered,
}: {
  regions: RegionView[];
  defaultRegionId: string;
  onRegister(d: DiscoveredDevice): void;
  onRegistered(): void;
}) {
  const { t } = useI18n();
  const found = useResource(() => camerasApi.discovered(), []);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [regionId, setRegionId] = useState(defaultRegionId);
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const bulk = useImportJob();
  const bulkDone = bulk.job?.state === 'done';
  useEffect(() => {
    if (bulkDone) onRegistered();
  }, [bulkDone, onRegistered]);
  const scanning = found.data?.scanning ?? false;
  const { reload } = found;
  // While the gateway scans, look again every two seconds.
  useEffect(() => {
    if (!scanning) return;
    const timer = setInterval(reload, 2000);
    return () => clearInterval(timer);
  }, [scanning, reload]);
  const scan = async () => {
    setError(null);
    try {
      await camerasApi.startDiscovery();
      setTimeout(reload, 500);
    } catch (err) {
      setError(describe(err, t));
    }
  };
  return (
    <div>
      <DiscoveryToolbar scanning={scanning} error={error} onScan={() => void scan()} />
      <StateBox
        loading={found.loading}
        error={found.error}
        empty={!found.data?.items.length}
        onRetry={reload}
      >
        <DiscoveryTable
          devices={found.data?.items ?? []}
          selected={selected}
          onSelect={(xs, on) => setSelected((cur) => ticked(cur, xs, on))}
          onRegister={onRegister}
        />
      </StateBox>
      {selected.size > 0 && (
        <div className="toolbar" data-testid="discovery-bulk">
          <strong>{t('bulk.selected', { count: selected.size })}</strong>
          <select value={regionId} onChange={(e) => setRegionId(e.target.value)}>
            {regions.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
          <input
            type="text"
            placeholder={t('cameras.username')}
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
          <input
            type="password"
            placeholder={t('cameras.password')}
            value={password}
            autoComplete="new-password"
            onChange={(e) => setPassword(e.target.value)}
          />
          <button
            type="button"
            className="btn btn-primary btn-small"
            disabled={bulk.job?.state === 'running'}
            data-testid="discovery-bulk-register"
            onClick={() =>
              void bulk
                .track(() =>
                  cameraImportApi.registerDiscovered({
                    xaddrs: [...selected],
                    regionId,
                    username,
                    password,
                    dryRun: false,
                  }),
                )
                .then(() => setSelected(new Set()))
            }
          >
            {t('bulk.registerSelected')}
          </button>
        </div>
      )}
      {bulk.error !== null && <p className="text-error">{describe(bulk.error, t)}</p>}
      {bulk.job && <ImportProgress job={bulk.job} />}
      {bulk.job && bulk.job.state !== 'running' && <ImportReport job={bulk.job} />}
    </div>
  );
}

/** Mutes in force (and, on request, past ones), with how many events each held back. */
function MutesSection({ cameras }: { cameras: CameraView[] }) {
  const [all, setAll] = useState(false);
  const mutes = useResource(() => mutesApi.list(all), [all]);
  const names = new Map(cameras.map((c) => [c.id, c.name]));
  return (
    <div>
      <MutesToolbar showEnded={all} onShowEnded={setAll} />
      <ListStateBox list={mutes}>
        <MutesTable
          mutes={mutes.data ?? []}
          cameraName={(id) => names.get(id)}
          onCancel={(m) => void mutesApi.cancel(m.id).then(mutes.reload, mutes.reload)}
        />
      </ListStateBox>
    </div>
  );
}
