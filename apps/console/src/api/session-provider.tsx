import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { LoginResponse, Role, SessionUser } from '@xueliang/contracts';
import { api, currentSession, setUnauthorizedHandler, storeSession } from './client';

interface SessionState {
  user: SessionUser | null;
  token: string | null;
  /** Set when the server ended the session (401) so the login page can say why. */
  expired: boolean;
  login(username: string, password: string): Promise<SessionUser>;
  logout(): void;
  /** The server ended the session (expired or revoked): back to the login page, saying why. */
  expire(): void;
  hasRole(...roles: Role[]): boolean;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<LoginResponse | null>(currentSession);
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setExpired(true);
      setSession(null);
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  // The token carries its own expiry; end the session on time rather than on the next failed call.
  useEffect(() => {
    if (!session) return;
    const ms = new Date(session.expiresAt).getTime() - Date.now();
    const timer = setTimeout(
      () => {
        storeSession(null);
        setExpired(true);
        setSession(null);
      },
      Math.max(0, Math.min(ms, 2 ** 31 - 1)),
    );
    return () => clearTimeout(timer);
  }, [session]);

  const login = useCallback(async (username: string, password: string) => {
    const res = await api<LoginResponse>('/api/auth/login', { method: 'POST', json: { username, password } });
    storeSession(res);
    setExpired(false);
    setSession(res);
    return res.user;
  }, []);

  const expire = useCallback(() => {
    storeSession(null);
    setExpired(true);
    setSession(null);
  }, []);

  const logout = useCallback(() => {
    storeSession(null);
    setExpired(false);
    setSession(null);
  }, []);

  const value = useMemo<SessionState>(
    () => ({
      user: session?.user ?? null,
      token: session?.accessToken ?? null,
      expired,
      login,
      logout,
      expire,
      hasRole: (...roles) => !!session && roles.some((r) => session.user.roles.includes(r)),
    }),
    [session, expired, login, logout, expire],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** For pages behind the login: the user is always there. */
export function useUser(): SessionUser {
  const { user } = useSession();
  if (!user) throw new Error('useUser without a session');
  return user;
}
