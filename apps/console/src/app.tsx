import { lazy, Suspense } from 'react';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { SessionProvider, useSession } from './api/session-provider';
import { SocketProvider, useSocket } from './api/socket-provider';
import { I18nProvider, useI18n } from './i18n/i18n-provider';
import { homeFor, navFor } from './navigation';
import { LoginPage } from './pages/login-page';
import { Shell } from './views/shell/shell';

// Pages load on demand so the first paint after login is only the shell and the landing page.
const MapPage = lazy(() => import('./pages/map-page').then((m) => ({ default: m.MapPage })));
const AlertsPage = lazy(() => import('./pages/alerts-page').then((m) => ({ default: m.AlertsPage })));
const AlertDetailPage = lazy(() =>
  import('./pages/alert-detail-page').then((m) => ({ default: m.AlertDetailPage })),
);
const WallsPage = lazy(() => import('./pages/walls-page').then((m) => ({ default: m.WallsPage })));
const TasksPage = lazy(() => import('./pages/tasks-page').then((m) => ({ default: m.TasksPage })));
const CamerasPage = lazy(() => import('./pages/cameras-page').then((m) => ({ default: m.CamerasPage })));
const StatisticsPage = lazy(() =>
  import('./pages/statistics-page').then((m) => ({ default: m.StatisticsPage })),
);
const PlaybackPage = lazy(() => import('./pages/playback-page').then((m) => ({ default: m.PlaybackPage })));
const EvidencePage = lazy(() => import('./pages/evidence-page').then((m) => ({ default: m.EvidencePage })));
const RecordingHealthPage = lazy(() =>
  import('./pages/recording-health-page').then((m) => ({ default: m.RecordingHealthPage })),
);
const AdminPage = lazy(() => import('./pages/admin-page').then((m) => ({ default: m.AdminPage })));

function Loading() {
  const { t } = useI18n();
  return <div className="state-box">{t('common.loading')}</div>;
}

function SignedIn() {
  const { user, logout } = useSession();
  const { state } = useSocket();
  if (!user) return null;
  return <Shell user={user} nav={navFor(user.roles)} connection={state} onLogout={logout} />;
}

function Guard() {
  const { user } = useSession();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return (
    <SocketProvider>
      <SignedIn />
    </SocketProvider>
  );
}

function Home() {
  const { user } = useSession();
  return <Navigate to={user ? homeFor(user.roles) : '/login'} replace />;
}

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <BrowserRouter>
          <Suspense fallback={<Loading />}>
            <Routes>
              <Route path="/login" element={<LoginPage />} />
              <Route element={<Guard />}>
                <Route path="/map" element={<MapPage />} />
                <Route path="/alerts" element={<AlertsPage />} />
                <Route path="/alerts/:id" element={<AlertDetailPage />} />
                <Route path="/walls" element={<WallsPage />} />
                <Route path="/tasks" element={<TasksPage />} />
                <Route path="/cameras" element={<CamerasPage />} />
                <Route path="/statistics" element={<StatisticsPage />} />
                <Route path="/admin" element={<AdminPage />} />
                <Route path="/playback" element={<PlaybackPage />} />
                <Route path="/evidence" element={<EvidencePage />} />
                <Route path="/recordings" element={<RecordingHealthPage />} />
              </Route>
              <Route path="*" element={<Home />} />
            </Routes>
          </Suspense>
        </BrowserRouter>
      </SessionProvider>
    </I18nProvider>
  );
}
