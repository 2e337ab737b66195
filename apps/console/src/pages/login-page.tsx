import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiRequestError } from '../api/client';
import { useSession } from '../api/session-provider';
import { useI18n } from '../i18n/i18n-provider';
import { homeFor } from '../navigation';

export function LoginPage() {
  const { t, locale, setLocale } = useI18n();
  const { user, login, expired } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (user) return <Navigate to={homeFor(user.roles)} replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const u = await login(username.trim(), password);
      const from = (location.state as { from?: string } | null)?.from;
      // Not awaited: a declarative router navigates synchronously; the promise type is for data routers.
      void navigate(from && from !== '/login' ? from : homeFor(u.roles), { replace: true });
    } catch (err) {
      const status = err instanceof ApiRequestError ? err.status : 0;
      setError(
        status === 401
          ? t('login.wrong')
          : status === 429
            ? t('login.rateLimited')
            : status === 0
              ? t('login.network')
              : t('login.failed', { message: (err as Error).message }),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-screen">
      <form className="login-card" onSubmit={submit} data-testid="login-form">
        <h1>{t('app.title')}</h1>
        {expired && !error && <div className="notice">{t('login.expired')}</div>}
        <label>
          {t('login.username')}
          <input
            name="username"
            autoComplete="username"
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            data-testid="login-username"
          />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="login-password"
          />
        </label>
        {error && (
          <div className="form-error" role="alert" data-testid="login-error">
            {error}
          </div>
        )}
        <button
          className="btn btn-primary"
          type="submit"
          disabled={busy || !username || !password}
          data-testid="login-submit"
        >
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          onClick={() => setLocale(locale === 'en' ? 'zh-CN' : 'en')}
        >
          {t('shell.language')}
        </button>
      </form>
    </div>
  );
}
