import { Suspense } from 'react';
import { NavLink, Outlet } from 'react-router-dom';
import type { SessionUser } from '@xueliang/contracts';
import type { ConnectionState } from '../../api/socket-provider';
import { useI18n } from '../../i18n/i18n-provider';
import type { MessageKey } from '../../i18n/dictionary';
import type { NavItem } from '../../navigation';
import { formatTime } from '../../i18n/format';
import { useNow } from '../../hooks/use-now';

/** The frame around every page: who is on duty, where, whether live updates flow. */
export function Shell({
  user,
  nav,
  connection,
  onLogout,
}: {
  user: SessionUser;
  nav: NavItem[];
  connection: ConnectionState;
  onLogout(): void;
}) {
  const { t, locale, setLocale } = useI18n();
  const now = useNow(1000);
  return (
    <div className="shell">
      <header className="topbar">
        <div className="brand">{t('app.short')}</div>
        <nav className="mainnav">
          {nav.map((n) => (
            <NavLink
              key={n.path}
              to={n.path}
              className={({ isActive }) => `navlink ${isActive ? 'navlink-active' : ''}`}
              data-testid={`nav-${n.path.slice(1)}`}
            >
              {t(n.label)}
            </NavLink>
          ))}
        </nav>
        <div className="topbar-right">
          <span className={`conn conn-${connection}`} data-testid="connection-state" data-state={connection}>
            <span className="dot" />
            {t(`shell.conn.${connection}` as MessageKey)}
          </span>
          <span className="clock" title="Asia/Shanghai">
            {formatTime(new Date(now).toISOString(), locale)}
          </span>
          <span className="who" data-testid="shell-user">
            <strong>{user.displayName}</strong>
            <span className="muted">
              {user.regionName} · {user.roles.map((r) => t(`role.${r}` as MessageKey)).join('/')}
            </span>
          </span>
          <button
            type="button"
            className="btn btn-ghost btn-small"
            data-testid="language-switch"
            onClick={() => setLocale(locale === 'en' ? 'zh-CN' : 'en')}
          >
            {t('shell.language')}
          </button>
          <button type="button" className="btn btn-ghost btn-small" data-testid="logout" onClick={onLogout}>
            {t('shell.logout')}
          </button>
        </div>
      </header>
      <main className="page">
        <Suspense fallback={<div className="state-box">{t('common.loading')}</div>}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}
