import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import type { CameraView, CheckpointView, DiscoveredDevice, UpdateCamera } from '@xueliang/contracts';
import { ApiRequestError } from '../api/client';
import { camerasApi, checkpointLocation, checkpointsApi, mutesApi } from '../api/endpoints';
import { useUser } from '../api/session-provider';
import { useCameras } from '../hooks/use-cameras';
import { useRegions } from '../hooks/use-regions';
import { useResource } from '../hooks/use-resource';
import { formatDateTime } from '../i18n/format';
import { useI18n, type Translate } from '../i18n/i18n-provider';
import type { MessageKey } from '../i18n/dictionary';
import { CameraForm, type CameraFormValue } from '../views/cameras/camera-form';
import { CheckpointForm } from '../views/cameras/checkpoint-form';
import { MuteDialog } from '../views/cameras/mute-dialog';
import { probeFailureText, statusReasonText } from '../views/cameras/status-reason';
import { CreateToolbar, DataTable } from '../views/common/form';
import { ListStateBox, StateBox } from '../views/common/state-box';
import { Tabs } from '../views/common/tabs';

type Tab = 'list' | 'health' | 'discovery' | 'checkpoints' | 'mutes';

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
  const { t, locale } = useI18n();
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

  const list = cameras.data ?? [];
  const online = list.filter((c) => c.status === 'online').length;
  const rate = list.length ? `${((online / list.length) * 100).toFixed(1)}%` : '—';
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
        await camerasApi.update(form.camera.id, body);
      } else {
        await camerasApi.register({
          name: v.name || undefined,
          onvifAddress: v.onvifAddress,
          username: v.username,
          password: v.password,
          regionId: v.regionId,
          location: v.location!,
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

  return (
    <div>
      <Tabs
        items={[
          { key: 'list', label: t('cameras.list') },
          { key: 'health', label: t('cameras.health') },
          { key: 'discovery', label: t('cameras.discovery') },
          { key: 'checkpoints', label: t('cameras.checkpoints') },
          { key: 'mutes', label: t('cameras.mutes') },
        ]}
        active={tab}
        onChange={(k) => setParams({ tab: k })}
      />
      {(tab === 'list' || tab === 'health') && (
        <>
          <div className="toolbar">
            <input
              type="search"
              placeholder={t('common.search')}
              value={q}
              onChange={(e) => setQ(e.target.value)}
            />
            <span data-testid="networking-rate">{t('cameras.networking', { rate })}</span>
            <span className="muted">
              {online}/{list.length}
            </span>
            <span className="spacer" />
            {notice && <span className="muted">{notice}</span>}
            <button
              type="button"
              className="btn btn-primary btn-small"
              onClick={() => setForm({ initial: blank() })}
              data-testid="camera-add"
            >
              {t('cameras.add')}
            </button>
          </div>
          <StateBox
            loading={cameras.loading}
            error={cameras.error}
            empty={!shown.length}
            onRetry={cameras.reload}
          >
            <DataTable
              testId="camera-table"
              columns={[
                t('common.name'),
                t('common.status'),
                t('cameras.reason'),
                t('common.region'),
                t('cameras.model'),
                t('cameras.lastSeen'),
                t('common.actions'),
              ]}
            >
              {shown.slice(0, 1000).map((c) => (
                <tr key={c.id} data-testid="camera-row" data-camera-id={c.id} data-status={c.status}>
                  <td>
                    {c.name}
                    <div className="muted small mono">{c.onvifAddress}</div>
                  </td>
                  <td>
                    <span className={`badge badge-${c.status}`}>{t(`camera.${c.status}` as MessageKey)}</span>
                  </td>
                  <td className={c.status === 'offline' ? 'text-error' : 'muted'}>
                    {statusReasonText(t, c.statusReason)}
                  </td>
                  <td>{c.regionName}</td>
                  <td className="muted">
                    {[c.manufacturer, c.model].filter(Boolean).join(' ') || '—'}
                    {c.ptz ? ` · ${t('cameras.ptz')}` : ''}
                  </td>
                  <td className="muted">{formatDateTime(c.lastSeenAt, locale)}</td>
                  <td>
                    <div className="btn-row">
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => void edit(c)}
                        data-testid="camera-edit"
                      >
                        {t('common.edit')}
                      </button>
                      <button type="button" className="btn btn-small" onClick={() => setMuting(c)}>
                        {t('mute.action')}
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        onClick={async () => {
                          if (!window.confirm(`${t('common.confirmDelete')} ${c.name}`)) return;
                          try {
                            await camerasApi.remove(c.id);
                            cameras.reload();
                          } catch (err) {
                            setNotice(describe(err, t));
                          }
                        }}
                      >
                        {t('common.delete')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </DataTable>
          </StateBox>
        </>
      )}
      {tab === 'discovery' && (
        <Discovery onRegister={(d) => setForm({ initial: blank(d.xaddr, d.name ?? '') })} />
      )}
      {tab === 'checkpoints' && (
        <div>
          <CreateToolbar onCreate={() => setCpForm({})} />
          <ListStateBox list={checkpoints}>
            <DataTable
              testId="checkpoint-table"
              columns={[
                t('checkpoints.code'),
                t('common.name'),
                t('checkpoints.road'),
                t('checkpoints.direction'),
                t('checkpoints.lanes'),
                t('common.region'),
                t('common.status'),
                t('common.actions'),
              ]}
            >
              {(checkpoints.data ?? []).map((c) => (
                <tr key={c.id}>
                  <td className="mono">{c.code}</td>
                  <td>{c.name}</td>
                  <td>{c.road}</td>
                  <td>{c.direction}</td>
                  <td>{c.lanes}</td>
                  <td>{c.regionName ?? regions.index.byId.get(c.regionId)?.name}</td>
                  <td>{c.status ?? '—'}</td>
                  <td>
                    <div className="btn-row">
                      <button type="button" className="btn btn-small" onClick={() => setCpForm({ cp: c })}>
                        {t('common.edit')}
                      </button>
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        onClick={async () => {
                          if (!window.confirm(`${t('common.confirmDelete')} ${c.name}`)) return;
                          await checkpointsApi
                            .remove(c.id)
                            .catch((err: unknown) => setNotice(describe(err, t)));
                          checkpoints.reload();
                        }}
                      >
                        {t('common.delete')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </DataTable>
          </ListStateBox>
        </div>
      )}
      {tab === 'mutes' && <Mutes cameras={list} />}
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

/** Runs a WS-Discovery scan on the gateway and lists what answered; one click to register. */
function Discovery({ onRegister }: { onRegister(d: DiscoveredDevice): void }) {
  const { t } = useI18n();
  const found = useResource(() => camerasApi.discovered(), []);
  const [error, setError] = useState<string | null>(null);
  const scanning = found.data?.scanning ?? false;
  const { reload } = found;
  useEffect(() => {
    if (!scanning) return;
    const timer = setInterval(reload, 2000);
    return () => clearInterval(timer);
  }, [scanning, reload]);
  return (
    <div>
      <div className="toolbar">
        <button
          type="button"
          className="btn btn-primary btn-small"
          disabled={scanning}
          data-testid="discovery-scan"
          onClick={async () => {
            setError(null);
            try {
              await camerasApi.startDiscovery();
              setTimeout(reload, 500);
            } catch (err) {
              setError(describe(err, t));
            }
          }}
        >
          {scanning ? t('cameras.scanning') : t('cameras.scan')}
        </button>
        {error && <span className="text-error">{error}</span>}
      </div>
      <StateBox
        loading={found.loading}
        error={found.error}
        empty={!found.data?.items.length}
        onRetry={reload}
      >
        <DataTable
          testId="discovery-table"
          columns={[t('common.name'), t('cameras.address'), t('cameras.model'), t('common.actions')]}
        >
          {(found.data?.items ?? []).map((d) => (
            <tr key={d.urn || d.xaddr}>
              <td>{d.name ?? '—'}</td>
              <td className="mono">{d.xaddr}</td>
              <td>{d.hardware ?? '—'}</td>
              <td>
                {d.registeredCameraId ? (
                  <span className="muted">{t('cameras.registered')}</span>
                ) : (
                  <button type="button" className="btn btn-small" onClick={() => onRegister(d)}>
                    {t('cameras.register')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </StateBox>
    </div>
  );
}

/** Mutes in force (and, on request, past ones), with how many events each held back. */
function Mutes({ cameras }: { cameras: CameraView[] }) {
  const { t, locale } = useI18n();
  const [all, setAll] = useState(false);
  const mutes = useResource(() => mutesApi.list(all), [all]);
  const names = new Map(cameras.map((c) => [c.id, c.name]));
  return (
    <div>
      <div className="toolbar">
        <label className="btn-row">
          <input type="checkbox" checked={all} onChange={(e) => setAll(e.target.checked)} />
          {t('mute.ended')}
        </label>
      </div>
      <ListStateBox list={mutes}>
        <DataTable
          testId="mutes-table"
          columns={[
            t('cameras.list'),
            t('desk.filter.type'),
            t('mute.reason'),
            t('mute.until'),
            t('mute.events'),
            t('common.status'),
            '',
          ]}
        >
          {(mutes.data ?? []).map((m) => (
            <tr key={m.id}>
              <td>{(m.cameraId && names.get(m.cameraId)) ?? m.cameraId ?? m.checkpointId}</td>
              <td>{m.alertType ? t(`type.${m.alertType}` as MessageKey) : t('common.all')}</td>
              <td>{m.reason}</td>
              <td className="muted">{formatDateTime(m.endsAt, locale)}</td>
              <td>{m.mutedEvents}</td>
              <td>
                {m.active ? <span className="badge badge-online">{t('mute.active')}</span> : t('mute.ended')}
              </td>
              <td>
                {m.active && (
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => void mutesApi.cancel(m.id).then(mutes.reload, mutes.reload)}
                  >
                    {t('mute.cancel')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </ListStateBox>
    </div>
  );
}
