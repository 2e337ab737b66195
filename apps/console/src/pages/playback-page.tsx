import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { CameraView } from '@xueliang/contracts';
import { useSession } from '../api/session-provider';
import { useCameras } from '../hooks/use-cameras';
import { useRecordingTimeline } from '../hooks/use-recording-timeline';
import { useShortcuts } from '../hooks/use-shortcuts';
import { useI18n } from '../i18n/i18n-provider';
import { formatDateTime, formatDuration, shanghaiDate } from '../i18n/format';
import { StateBox } from '../views/common/state-box';
import { EvidenceLockDialog, ExportDialog } from '../views/playback/evidence-dialogs';
import { PlaybackHelp } from '../views/playback/playback-help';
import type { PlaybackController } from '../views/playback/playback-controller';
import { PlaybackPlayer } from '../views/playback/playback-player';
import { followerAction } from '../views/playback/sync';
import { Timeline, type TimelineMarker } from '../views/playback/timeline';
import {
  daysOfView,
  followView,
  inSession,
  nextSpeed,
  normaliseRange,
  sessionRange,
  SPEEDS,
  viewAround,
  zoomView,
  type Span,
  type TimelineView,
} from '../views/playback/timeline-math';

/** Up to four cameras side by side, all at the same moment. */
export const MAX_SYNC = 4;
const HOUR = 3_600_000;

function parseCams(raw: string | null): string[] {
  return [...new Set((raw ?? '').split(',').filter(Boolean))].slice(0, MAX_SYNC);
}

function parseTime(raw: string | null): number | null {
  if (!raw) return null;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? null : t;
}

/** "HH:mm:ss" of `t` in Asia/Shanghai, for the time input. */
function shanghaiClock(t: number): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(t));
}

/**
 * 录像回放: ?cams=a,b,c,d&t=ISO. One camera, or up to four in a 2×2 grid played in sync: the
 * first is the master clock, the others follow it by wall clock. The timeline below shows each
 * camera's footage and gaps and its alerts; click seeks, drag (or I / O) selects a range to export
 * or lock as evidence.
 */
export function PlaybackPage() {
  const { t, locale } = useI18n();
  const { hasRole } = useSession();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const cams = useMemo(() => parseCams(params.get('cams')), [params]);
  const requested = parseTime(params.get('t'));
  const cameras = useCameras();
  const byId = useMemo(() => new Map((cameras.data ?? []).map((c) => [c.id, c])), [cameras.data]);

  const [q, setQ] = useState('');
  const [view, setView] = useState<TimelineView>(() =>
    viewAround(requested ?? Date.now() - 5 * 60_000, HOUR),
  );
  const [playhead, setPlayhead] = useState<number | null>(null);
  const [speed, setSpeed] = useState(1);
  const [playing, setPlaying] = useState(false);
  const [selection, setSelection] = useState<Span | null>(null);
  const [inPoint, setInPoint] = useState<number | null>(null);
  const [dialog, setDialog] = useState<'export' | 'lock' | 'help' | null>(null);
  const [dateInput, setDateInput] = useState(() => shanghaiDate(new Date(requested ?? Date.now())));
  const [timeInput, setTimeInput] = useState(() => shanghaiClock(requested ?? Date.now() - 5 * 60_000));
  const [notice, setNotice] = useState<string | null>(null);

  const controllers = useRef<(PlaybackController | null)[]>([]);
  const camsRef = useRef(cams);
  camsRef.current = cams;
  const speedRef = useRef(speed);
  speedRef.current = speed;

  const master = () => controllers.current[0] ?? null;
  const active = () =>
    controllers.current.slice(0, camsRef.current.length).filter((c): c is PlaybackController => !!c);

  /** New sessions around `wall` for every camera, all starting at the same moment. */
  const openAt = useCallback((wall: number) => {
    const range = sessionRange(wall, Date.now());
    const start = Math.min(wall, range.end - 1000);
    camsRef.current.forEach((id, i) => {
      const c = controllers.current[i];
      if (!c) return;
      void c.open(id, range, { startWall: start }).then(() => c.setRate(speedRef.current));
    });
    setPlayhead(start);
    setView((v) => followView(v, start));
  }, []);

  /** Shows `wall` everywhere: a seek inside the sessions, else new sessions. */
  const seek = useCallback(
    (wall: number) => {
      const m = master();
      if (!m || !inSession(m.range, wall) || m.state === 'empty' || m.state === 'error') {
        openAt(wall);
        return;
      }
      const r = m.seekWall(wall);
      if (r === 'outside') {
        openAt(wall);
        return;
      }
      if (r === 'gap') setNotice(t('playback.jumpedGap'));
      for (const c of active().slice(1)) c.seekWall(wall);
      setPlayhead(wall);
    },
    [openAt, t],
  );

  // A new camera set or a new requested time: fresh sessions (after the players mounted).
  const camsKey = cams.join(',');
  useEffect(() => {
    if (!cams.length) return;
    const timer = setTimeout(() => openAt(requested ?? playhead ?? Date.now() - 5 * 60_000), 0);
    return () => clearTimeout(timer);
    // playhead is read, not followed: only the camera set and the URL time reopen.
  }, [camsKey, params.get('t')]);

  // The master clock: the playhead follows the master; followers are kept on its wall clock.
  useEffect(() => {
    const timer = setInterval(() => {
      const m = master();
      if (!m) return;
      const wall = m.wallNow();
      if (wall !== null) {
        setPlayhead(wall);
        setView((v) => followView(v, wall));
      }
      setPlaying(!m.paused);
      for (const f of active().slice(1)) {
        const action = followerAction(wall, m.paused, {
          media: f.video.currentTime,
          paused: f.paused,
          frags: f.frags(),
        });
        if (action.kind === 'seek') {
          f.markGap(false);
          f.seekMedia(action.media);
          if (action.play) f.play();
        } else if (action.kind === 'play') {
          f.markGap(false);
          f.play();
        } else if (action.kind === 'pause') f.pause();
        else if (action.kind === 'gap') f.markGap(true);
      }
      // A player that gave up (a gateway away for a while) tries again every ten seconds.
      for (const c of active()) {
        if (c.state === 'error' && Date.now() - c.lastRetry > 10_000) void c.retry(wall ?? undefined);
      }
      // Played to the end of the session while there is more: carry on in the next one.
      if (m.video.ended && m.range && m.range.end < Date.now() - 5000) openAt(m.range.end);
    }, 250);
    return () => clearInterval(timer);
  }, [openAt]);

  const timeline = useRecordingTimeline(
    cams.map((id) => ({ id, name: byId.get(id)?.name ?? id.slice(0, 8) })),
    daysOfView(view),
  );

  const setCams = (next: string[], at?: number) => {
    const p = new URLSearchParams(params);
    p.set('cams', next.slice(0, MAX_SYNC).join(','));
    if (at !== undefined) p.set('t', new Date(at).toISOString());
    else if (playhead !== null) p.set('t', new Date(playhead).toISOString());
    setParams(p, { replace: true });
  };

  const jumpToInput = () => {
    const at = Date.parse(`${dateInput}T${timeInput.length === 5 ? `${timeInput}:00` : timeInput}+08:00`);
    if (Number.isNaN(at)) return;
    setView((v) => viewAround(at, v.span));
    const p = new URLSearchParams(params);
    p.set('t', new Date(at).toISOString());
    setParams(p, { replace: true });
  };

  const togglePlay = () => {
    const m = master();
    if (!m) return;
    if (m.paused) active().forEach((c) => c.play());
    else active().forEach((c) => c.pause());
  };
  const stepSeconds = (s: number) => {
    const wall = master()?.wallNow();
    if (wall !== null && wall !== undefined) seek(wall + s * 1000);
  };
  const stepFrame = (d: 1 | -1) => active().forEach((c) => c.stepFrame(d));
  const applySpeed = (s: number) => {
    setSpeed(s);
    active().forEach((c) => c.setRate(s));
  };
  const zoom = (d: number) => setView((v) => zoomView(v, d, playhead ?? v.start + v.span / 2));
  const markIn = () => {
    if (playhead === null) return;
    setInPoint(playhead);
    setSelection(null);
  };
  const markOut = () => {
    if (playhead === null) return;
    const start = inPoint ?? selection?.start ?? null;
    if (start === null) return;
    setSelection(normaliseRange(start, playhead));
    setInPoint(null);
  };
  const onMarker = (m: TimelineMarker) => {
    setView((v) => viewAround(m.t, Math.min(v.span, 10 * 60_000)));
    seek(m.t);
  };

  const canExport = hasRole('duty_officer', 'supervisor', 'admin');
  const canLock = hasRole('supervisor', 'admin');
  useShortcuts({
    ' ': togglePlay,
    ArrowLeft: () => stepSeconds(-1),
    ArrowRight: () => stepSeconds(1),
    ',': () => stepFrame(-1),
    '.': () => stepFrame(1),
    '+': () => zoom(1),
    '=': () => zoom(1),
    '-': () => zoom(-1),
    '[': () => applySpeed(nextSpeed(speed, -1)),
    ']': () => applySpeed(nextSpeed(speed, 1)),
    i: markIn,
    o: markOut,
    e: () => canExport && selection && setDialog('export'),
    l: () => canLock && selection && setDialog('lock'),
    '?': () => setDialog((d) => (d === 'help' ? null : 'help')),
  });

  const list = (cameras.data ?? []).filter(
    (c) => !q || `${c.name} ${c.regionName}`.toLowerCase().includes(q.toLowerCase()),
  );
  const grid = cams.length > 1;
  const selectionAlerts = selection
    ? timeline.alerts.filter((a) => {
        const at = Date.parse(a.firstSeenAt);
        return at >= selection.start - 60_000 && at <= selection.end;
      })
    : [];

  return (
    <div className="playback-page" data-testid="playback-page">
      <aside className="walls-side playback-side">
        <div className="toolbar" style={{ flexDirection: 'column', alignItems: 'stretch' }}>
          <input
            type="search"
            placeholder={t('common.search')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
          />
          <span className="muted small">{t('playback.pickHint', { n: MAX_SYNC })}</span>
        </div>
        <div className="cam-list" data-testid="playback-camera-list">
          <StateBox
            loading={cameras.loading}
            error={cameras.error}
            empty={!list.length}
            onRetry={cameras.reload}
          >
            {list.map((c: CameraView) => {
              const shown = cams.includes(c.id);
              return (
                <div
                  key={c.id}
                  className={`cam-item ${shown ? 'cam-item-active' : ''}`}
                  data-testid="playback-camera"
                  data-camera-id={c.id}
                >
                  <span className="grow" style={{ cursor: 'pointer' }} onClick={() => setCams([c.id])}>
                    {c.name}
                    <span className="muted small"> · {c.regionName}</span>
                  </span>
                  <button
                    type="button"
                    className="btn btn-small btn-ghost"
                    title={shown ? t('playback.removeSync') : t('playback.addSync')}
                    disabled={!shown && cams.length >= MAX_SYNC}
                    data-testid="playback-sync-toggle"
                    onClick={() => setCams(shown ? cams.filter((x) => x !== c.id) : [...cams, c.id])}
                  >
                    {shown ? '−' : '+'}
                  </button>
                </div>
              );
            })}
          </StateBox>
        </div>
      </aside>
      <section className="playback-main">
        <div className="toolbar playback-toolbar">
          <input
            type="date"
            value={dateInput}
            onChange={(e) => setDateInput(e.target.value)}
            data-testid="playback-date"
          />
          <input
            type="time"
            step={1}
            value={timeInput}
            onChange={(e) => setTimeInput(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && jumpToInput()}
            data-testid="playback-time"
          />
          <button type="button" className="btn btn-small" onClick={jumpToInput} data-testid="playback-go">
            {t('playback.go')}
          </button>
          <span className="sep" />
          <button type="button" className="btn btn-small" onClick={() => stepFrame(-1)} title=",">
            {t('playback.frameBack')}
          </button>
          <button type="button" className="btn btn-small" onClick={() => stepSeconds(-1)} title="←">
            −1s
          </button>
          <button
            type="button"
            className="btn btn-small btn-primary"
            onClick={togglePlay}
            data-testid="playback-toggle"
            title={t('playback.keySpace')}
          >
            {playing ? t('playback.pause') : t('playback.play')}
          </button>
          <button type="button" className="btn btn-small" onClick={() => stepSeconds(1)} title="→">
            +1s
          </button>
          <button type="button" className="btn btn-small" onClick={() => stepFrame(1)} title=".">
            {t('playback.frameForward')}
          </button>
          <select
            value={speed}
            onChange={(e) => applySpeed(Number(e.target.value))}
            data-testid="playback-speed"
            title="[ ]"
          >
            {SPEEDS.map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
          <span className="playback-now mono" data-testid="playback-now">
            {playhead !== null ? formatDateTime(new Date(playhead).toISOString(), locale) : '—'}
          </span>
          <span className="spacer" />
          <button type="button" className="btn btn-small" onClick={() => zoom(-1)} title="−">
            −
          </button>
          <span className="muted small" data-testid="playback-zoom">
            {formatDuration(view.span)}
          </span>
          <button type="button" className="btn btn-small" onClick={() => zoom(1)} title="+">
            +
          </button>
          <span className="sep" />
          <span className="muted small" data-testid="playback-selection" title={t('playback.selectHint')}>
            {selection
              ? `${formatDateTime(new Date(selection.start).toISOString(), locale)} – ${formatDateTime(
                  new Date(selection.end).toISOString(),
                  locale,
                ).slice(-8)} (${formatDuration(selection.end - selection.start)})`
              : inPoint !== null
                ? `${t('playback.in')} ${formatDateTime(new Date(inPoint).toISOString(), locale)}`
                : t('playback.noSelection')}
          </span>
          {canExport && (
            <button
              type="button"
              className="btn btn-small"
              disabled={!selection || !cams.length}
              onClick={() => setDialog('export')}
              data-testid="playback-export"
              title="E"
            >
              {t('playback.export')}
            </button>
          )}
          {canLock && (
            <button
              type="button"
              className="btn btn-small"
              disabled={!selection || !cams.length}
              onClick={() => setDialog('lock')}
              data-testid="playback-lock"
              title="L"
            >
              {t('playback.lock')}
            </button>
          )}
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setDialog('help')}>
            ?
          </button>
        </div>
        {notice && (
          <div className="notice small" onClick={() => setNotice(null)} data-testid="playback-notice">
            {notice}
          </div>
        )}
        {!cams.length ? (
          <div className="state-box state-empty" data-testid="playback-empty">
            {t('playback.pickCamera')}
          </div>
        ) : (
          <div
            className={`playback-grid ${grid ? 'playback-grid-4' : ''}`}
            data-testid="playback-grid"
            data-count={cams.length}
          >
            {Array.from({ length: grid ? MAX_SYNC : 1 }, (_, i) =>
              cams[i] ? (
                <PlaybackPlayer
                  key={`${i}:${cams[i]}`}
                  label={`${i === 0 && grid ? `${t('playback.master')} · ` : ''}${byId.get(cams[i])?.name ?? ''}`}
                  onController={(c) => {
                    controllers.current[i] = c;
                  }}
                />
              ) : (
                <div key={`empty${i}`} className="live-player playback-slot">
                  <span className="muted">{t('playback.addHint')}</span>
                </div>
              ),
            )}
          </div>
        )}
        {timeline.error && (
          <div className="muted small text-error" data-testid="playback-coverage-error">
            {t('playback.coverageError', { message: timeline.error })}
          </div>
        )}
        <Timeline
          view={view}
          onView={setView}
          lanes={timeline.lanes}
          markers={timeline.markers}
          playhead={playhead}
          selection={selection}
          onSelection={(s) => {
            setSelection(s);
            setInPoint(null);
          }}
          onSeek={seek}
          onMarker={onMarker}
        />
        <div className="muted small playback-keys">{t('playback.keysLine')}</div>
      </section>
      {dialog === 'export' && selection && (
        <ExportDialog
          cameras={cams.map((id) => ({ id, name: byId.get(id)?.name ?? id }))}
          range={selection}
          alerts={selectionAlerts}
          onClose={() => setDialog(null)}
          onDone={(id) => navigate(`/evidence?tab=exports&highlight=${id}`)}
        />
      )}
      {dialog === 'lock' && selection && (
        <EvidenceLockDialog
          cameras={cams.map((id) => ({ id, name: byId.get(id)?.name ?? id }))}
          range={selection}
          alerts={selectionAlerts}
          onClose={() => setDialog(null)}
          onDone={() => {
            setDialog(null);
            setNotice(t('playback.locked'));
          }}
        />
      )}
      {dialog === 'help' && <PlaybackHelp onClose={() => setDialog(null)} />}
    </div>
  );
}
