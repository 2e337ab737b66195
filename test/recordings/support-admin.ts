import type { Role } from '@xueliang/contracts';
import { login, type Session, type TestApi } from '../support/api';

/** A user of `role` in region `regionId`, created through the admin API for the test, signed in. */
export async function userIn(api: TestApi, username: string, role: Role, regionId: string): Promise<Session> {
  const admin = await login(api, 'admin');
  const res = await admin.call('/api/users', {
    method: 'POST',
    json: { username, displayName: username, password: 'password123', roles: [role], regionId },
  });
  if (res.status !== 201) throw new Error(`create ${username}: HTTP ${res.status} ${await res.text()}`);
  return login(api, username, 'password123');
}

/** Audit entries of one action as a supervisor lists them. */
export async function audited(
  reader: Session,
  action: string,
): Promise<{ targetId: string | null; actorName: string; detail: Record<string, unknown> | null }[]> {
  const res = await reader.call(`/api/audit?action=${encodeURIComponent(action)}`);
  if (res.status !== 200) throw new Error(`audit: HTTP ${res.status}`);
  return ((await res.json()) as { items: never[] }).items;
}
