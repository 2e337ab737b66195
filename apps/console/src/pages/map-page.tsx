import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { CameraView, CheckpointView } from '@xueliang/contracts';
import { checkpointsApi, configApi } from '../api/endpoints';
import { useSession } from '../api/session-provider';
import { useCameras } from '../hooks/use-cameras';
import { useOpenAlerts } from '../hooks/use-open-alerts';
import { useRegions } from '../hooks/use-regions';
import { useResource } from '../hooks/use-resource';
import { useLocalStorage } from '../hooks/use-local-storage';
import { useI18n } from '../i18n/i18n-provider';
import { CameraPopup } from '../views/map/camera-popup';
import { CountyMap, type MapLayers, type MapPopup } from '../views/map/county-map';
import { MapLegend } from '../views/map/map-legend';
import { RegionTree } from '../views/regions/region-tree';
import { StateBox } from '../views/common/state-box';
import { checkpointLocation } from '../api/endpoints';

/** 一张图: boundaries, cameras, checkpoints and open alerts; ?region= selects the focused region. */
export function MapPage() {
  const { t } = useI18n();
  const { hasRole } = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const focusRegionId = params.get('region');
  const regions = useRegions();
  const canSeeCameras = hasRole('duty_officer', 'dispatcher', 'supervisor', 'technician', 'admin');
  const canLive = hasRole('duty_officer', 'dispatcher', 'supervisor', 'technician');
  const cameras = useCameras();
  const checkpoints = useResource(() => checkpointsApi.list(), []);
  const open = useOpenAlerts();
  const config = useResource(() => configApi.get(), []);
  const [layers, setLayers] = useLocalStorage<MapLayers>('xl.map.layers', {
    regions: true,
    cameras: true,
    checkpoints: true,
    alerts: true,
  });
  const [picked, setSelected] = useState<
    { kind: 'camera'; id: string } | { kind: 'checkpoint'; cp: CheckpointView } | null
  >(null);
  // ?camera=<id> deep-links to one camera's popup (from the wall, an alert, a test).
  const linkedCamera = params.get('camera');
  const selected = picked ?? (linkedCamera ? { kind: 'camera' as const, id: linkedCamera } : null);
  const close = () => {
    setSelected(null);
    if (linkedCamera) {
      const p = new URLSearchParams(params);
      p.delete('camera');
      setParams(p, { replace: true });
    }
  };

  const cameraList = useMemo(
    () => (canSeeCameras ? (cameras.data ?? []) : []),
    [cameras.data, canSeeCameras],
  );
  const counts = useMemo(
    () => ({ online: cameraList.filter((c) => c.status === 'online').length, total: cameraList.length }),
    [cameraList],
  );
  const selectedCamera: CameraView | undefined =
    selected?.kind === 'camera' ? cameraList.find((c) => c.id === selected.id) : undefined;

  let popup: MapPopup | null = null;
  if (selectedCamera) {
    popup = {
      lonLat: selectedCamera.location,
      content: (
        <CameraPopup key={selectedCamera.id} camera={selectedCamera} canLive={canLive} onClose={close} />
      ),
    };
  } else if (selected?.kind === 'checkpoint') {
    const loc = checkpointLocation(selected.cp);
    if (loc)
      popup = {
        lonLat: loc,
        content: (
          <div className="popup-card" data-testid="checkpoint-popup">
            <header>
              <strong>{selected.cp.name}</strong>
              <button type="button" className="btn-icon" onClick={close}>
                ×
              </button>
            </header>
            <div className="muted small">
              {selected.cp.code} · {selected.cp.road} · {selected.cp.direction} · {selected.cp.lanes}
            </div>
          </div>
        ),
      };
  }

  return (
    <div className="map-page">
      <aside className="side-panel">
        <div className="panel-title">{t('map.regionTree')}</div>
        <StateBox
          loading={regions.loading}
          error={regions.error}
          empty={!regions.index.list.length}
          onRetry={regions.reload}
        >
          <RegionTree
            index={regions.index}
            selectedId={focusRegionId}
            maxDepthLevel="village"
            onSelect={(r) => setParams({ region: r.id })}
          />
        </StateBox>
        {cameras.error && !cameras.error.notFound && (
          <StateBox error={cameras.error} onRetry={cameras.reload} />
        )}
        {open.error && !open.error.notFound && <StateBox error={open.error} onRetry={open.reload} />}
      </aside>
      <section className="map-main">
        <CountyMap
          regions={regions.index.list}
          cameras={cameraList}
          checkpoints={checkpoints.data}
          alerts={open.alerts}
          freshAlertIds={open.fresh}
          layers={layers}
          focusRegionId={focusRegionId}
          tileUrl={config.data?.mapTileUrl}
          popup={popup}
          onCameraClick={(c) => setSelected({ kind: 'camera', id: c.id })}
          onCheckpointClick={(cp) => setSelected({ kind: 'checkpoint', cp })}
          onAlertClick={(a) => navigate(`/alerts/${a.id}`)}
          onMapClick={() => selected && close()}
          center={linkedCamera && selectedCamera ? selectedCamera.location : null}
        />
        <MapLegend
          layers={layers}
          onChange={setLayers}
          cameraCounts={counts}
          tiles={!!config.data?.mapTileUrl}
        />
      </section>
    </div>
  );
}
