import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { WALL_TILES, type PtzCommand } from '@xueliang/contracts';
import { camerasApi } from '../api/endpoints';
import { useSession, useUser } from '../api/session-provider';
import { useCameras } from '../hooks/use-cameras';
import { useResource } from '../hooks/use-resource';
import { useRegions } from '../hooks/use-regions';
import { useWalls } from '../hooks/use-walls';
import { useI18n } from '../i18n/i18n-provider';
import type { MessageKey } from '../i18n/dictionary';
import { Dialog } from '../views/common/dialog';
import { StateBox } from '../views/common/state-box';
import { LivePlayer } from '../views/video/live-player';
import { PtzPad } from '../views/walls/ptz-pad';
import { WallGrid } from '../views/walls/wall-grid';
import { ReplayDialog } from '../views/playback/replay';

type Layout = (typeof WALL_TILES)[number];

function resize(tiles: (string | null)[], n: number): (string | null)[] {
  return Array.from({ length: n }, (_, i) => tiles[i] ?? null);
}

/** 视频墙: ?layout=4&cams=a,b,c keeps the wall in the URL so a reload shows the same pictures. */
export function WallsPage() {
  const { t } = useI18n();
  const user = useUser();
  const { hasRole } = useSession();
  const [params, setParams] = useSearchParams();
  const layout = (WALL_TILES as readonly number[]).includes(Number(params.get('layout')))
    ? (Number(params.get('layout')) as Layout)
    : 4;
  const tiles = useMemo(
    () =>
      resize(
        (params.get('cams') ?? '').split(',').map((x) => x || null),
        layout,
      ),
    [params, layout],
  );
  const setWall = (nextTiles: (string | null)[], nextLayout: number = layout) => {
    const p = new URLSearchParams(params);
    p.set('layout', String(nextLayout));
    p.set(
      'cams',
      resize(nextTiles, nextLayout)
        .map((x) => x ?? '')
        .join(','),
    );
    setParams(p, { replace: true });
  };

  const cameras = useCameras();
  const regions = useRegions();
  const walls = useWalls(user.id);
  const [regionFilter, setRegionFilter] = useState('');
  const [q, setQ] = useState('');
  const [focused, setFocused] = useState(0);
  const [enlarged, setEnlarged] = useState<string | null>(null);
  const [group, setGroup] = useState<Set<string>>(new Set());
  const [patrolSeconds, setPatrolSeconds] = useState(30);
  const [patrolling, setPatrolling] = useState(false);
  const [wallName, setWallName] = useState('');
  const [ptzError, setPtzError] = useState<string | null>(null);
  const [replay, setReplay] = useState<string | null>(null);

  const camList = cameras.data ?? [];
  const byId = useMemo(() => new Map(camList.map((c) => [c.id, c])), [camList]);
  const visible = useMemo(() => {
    const path = regionFilter ? regions.index.byId.get(regionFilter)?.path : undefined;
    const regionPaths = new Map(regions.index.list.map((r) => [r.id, r.path]));
    return camList.filter(
      (c) =>
        (!path || (regionPaths.get(c.regionId) ?? '').startsWith(path)) &&
        (!q || c.name.toLowerCase().includes(q.toLowerCase())),
    );
  }, [camList, regionFilter, q, regions.index]);

  // 轮巡: page through the patrol group, one wall-full at a time.
  useEffect(() => {
    if (!patrolling || group.size === 0) return;
    const ids = [...group];
    let page = 0;
    const show = () => {
      const pages = Math.max(1, Math.ceil(ids.length / layout));
      const slice = ids.slice((page % pages) * layout, (page % pages) * layout + layout);
      setWall(slice, layout);
      page += 1;
    };
    show();
    const timer = setInterval(show, Math.max(5, patrolSeconds) * 1000);
    return () => clearInterval(timer);
  }, [patrolling, group, patrolSeconds, layout]);

  const focusedCamera = tiles[focused] ? byId.get(tiles[focused]) : undefined;
  const presets = useResource(
    () => (focusedCamera?.ptz ? camerasApi.presets(focusedCamera.id).catch(() => []) : Promise.resolve([])),
    [focusedCamera?.id, focusedCamera?.ptz],
  );
  const ptz = (cmd: PtzCommand) => {
    if (!focusedCamera) return;
    setPtzError(null);
    camerasApi.ptz(focusedCamera.id, cmd).catch((err: Error) => setPtzError(err.message));
  };

  const place = (cameraId: string) => {
    const next = [...tiles];
    next[focused] = cameraId;
    setWall(next);
    setFocused((focused + 1) % layout);
  };

  return (
    <div className="walls">
      <aside className="walls-side">
        <div className="toolbar" style={{ flexDirection: 'column', alignItems: 'stretch' }}>
          <select
            value={regionFilter}
            onChange={(e) => setRegionFilter(e.target.value)}
            data-testid="wall-region"
          >
            <option value="">{`${t('common.region')}: ${t('common.all')}`}</option>
            {regions.index.list
              .filter((r) => r.level !== 'grid')
              .map((r) => (
                <option key={r.id} value={r.id}>
                  {'　'.repeat(Math.max(0, r.path.split('.').length - 2))}
                  {r.name}
                </option>
              ))}
          </select>
          <input
            type="search"
            placeholder={t('common.search')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <span className="muted small">{t('walls.hint')}</span>
        </div>
        <div className="cam-list" data-testid="wall-camera-list">
          <StateBox
            loading={cameras.loading}
            error={cameras.error}
            empty={!visible.length}
            onRetry={cameras.reload}
          >
            {visible.map((c) => (
              <div key={c.id} className="cam-item" data-testid="wall-camera" data-camera-id={c.id}>
                <input
                  type="checkbox"
                  title={t('walls.patrolGroup')}
                  checked={group.has(c.id)}
                  onChange={(e) =>
                    setGroup((prev) => {
                      const next = new Set(prev);
                      if (e.target.checked) next.add(c.id);
                      else next.delete(c.id);
                      return next;
                    })
                  }
                />
                <span
                  className={`dot dot-${c.status === 'online' ? 'playing' : c.status === 'offline' ? 'offline' : ''}`}
                />
                <span className="grow" onClick={() => place(c.id)} style={{ cursor: 'pointer' }}>
                  {c.name}
                  <span className="muted small"> · {t(`camera.${c.status}` as MessageKey)}</span>
                </span>
              </div>
            ))}
          </StateBox>
        </div>
        {focusedCamera?.ptz && hasRole('duty_officer', 'technician', 'supervisor') && (
          <div style={{ padding: 8 }}>
            <PtzPad onCommand={ptz} presets={presets.data} />
            {ptzError && <div className="text-error small">{ptzError}</div>}
          </div>
        )}
      </aside>
      <section className="walls-main">
        <div className="toolbar">
          <span>{t('walls.layout')}</span>
          {WALL_TILES.map((n) => (
            <button
              key={n}
              type="button"
              className={`btn btn-small ${n === layout ? 'btn-primary' : ''}`}
              onClick={() => setWall(tiles, n)}
              data-testid={`layout-${n}`}
            >
              {n}
            </button>
          ))}
          <button type="button" className="btn btn-small" onClick={() => setWall([])}>
            {t('walls.clear')}
          </button>
          <span className="spacer" />
          <span>{t('walls.patrol')}</span>
          <select value={patrolSeconds} onChange={(e) => setPatrolSeconds(Number(e.target.value))}>
            {[10, 15, 30, 60, 120].map((s) => (
              <option key={s} value={s}>
                {t('walls.patrolEvery', { s })}
              </option>
            ))}
          </select>
          <button
            type="button"
            className={`btn btn-small ${patrolling ? 'btn-danger' : ''}`}
            disabled={!patrolling && group.size === 0}
            onClick={() => setPatrolling(!patrolling)}
            data-testid="patrol-toggle"
            title={t('walls.patrolGroup')}
          >
            {patrolling ? t('walls.patrolStop') : `${t('walls.patrol')} (${group.size})`}
          </button>
          <select
            value=""
            onChange={(e) => {
              const w = walls.walls.find((x) => x.id === e.target.value);
              if (!w) return;
              setWall(w.cameraIds, w.tiles);
              setWallName(w.name);
              if (w.patrolSeconds > 0) {
                setGroup(new Set(w.cameraIds));
                setPatrolSeconds(w.patrolSeconds);
              }
            }}
            data-testid="wall-load"
          >
            <option value="">{t('walls.saved')}</option>
            {walls.walls.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name} ({w.tiles})
              </option>
            ))}
          </select>
          <input
            value={wallName}
            placeholder={t('walls.name')}
            onChange={(e) => setWallName(e.target.value)}
            style={{ width: 120 }}
          />
          <button
            type="button"
            className="btn btn-small"
            disabled={!wallName.trim()}
            data-testid="wall-save"
            onClick={() => {
              const existing = walls.walls.find((w) => w.name === wallName.trim());
              const patrolIds = patrolling ? [...group] : tiles.filter((x): x is string => !!x);
              void walls.save(existing?.id ?? crypto.randomUUID(), {
                name: wallName.trim(),
                tiles: layout,
                cameraIds: patrolIds,
                patrolSeconds: patrolling ? patrolSeconds : 0,
              });
            }}
          >
            {t('walls.save')}
          </button>
          {walls.storedLocally && <span className="muted small">{t('walls.storedLocally')}</span>}
        </div>
        <WallGrid
          tiles={tiles}
          cameras={byId}
          focused={focused}
          onFocus={setFocused}
          onEnlarge={setEnlarged}
          onReplay={hasRole('duty_officer', 'dispatcher', 'supervisor', 'technician') ? setReplay : undefined}
        />
      </section>
      {enlarged && (
        <Dialog
          title={`${byId.get(enlarged)?.name ?? enlarged} · ${t('walls.main')}`}
          onClose={() => setEnlarged(null)}
          wide
          testId="main-stream"
        >
          <LivePlayer
            cameraId={enlarged}
            stream="main"
            className="main-stream"
            offline={byId.get(enlarged)?.status === 'offline'}
          />
        </Dialog>
      )}
      {replay && (
        <ReplayDialog
          cameraId={replay}
          name={byId.get(replay)?.name ?? replay}
          onClose={() => setReplay(null)}
        />
      )}
    </div>
  );
}
