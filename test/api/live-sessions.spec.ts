import { createHmac } from 'node:crypto';
import { io } from 'socket.io-client';
import type { UpdateUser, UserView } from '@xueliang/contracts';
import {
  addCamera,
  cameraEvent,
  connect,
  record,
  startAlertStack,
  until,
  type AlertStack,
  type LiveClient,
} from '../alerts/support';
import { login, type Session } from '../support/api';

/** Resolves with the reason the server gave when it ends the socket. */
function disconnected(socket: LiveClient): Promise<string> {
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}

/** What a reconnect with the same token meets: the handshake's refusal message. */
async function refusal(url: string, token: string): Promise<string> {
  try {
    const socket = await connect(url, token);
    socket.disconnect();
    return 'connected';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

describe('a live socket ends with its session (real PostgreSQL, Redis and socket.io)', () => {
  let stack: AlertStack;
  let admin: Session;
  let control: ReturnType<typeof record>;
  let n = 0;

  beforeAll(async () => {
    stack = await startAlertStack();
    admin = await login(stack.api, 'admin');
    // A console of the same township that stays signed in: it proves the alerts were pushed.
    control = record(await stack.live((await login(stack.api, 'duty_t1')).accessToken));
  });
  afterAll(() => stack?.close());

  async function townshipOfficer(): Promise<{ user: UserView; session: Session }> {
    n += 1;
    const res = await admin.call('/api/users', {
      method: 'POST',
      json: {
        username: `live_duty_${n}`,
        displayName: '值班员',
        password: 'password123',
        roles: ['duty_officer'],
        regionId: stack.where.t1.id,
      },
    });
    expect(res.status).toBe(201);
    const user = (await res.json()) as UserView;
    return { user, session: await login(stack.api, user.username, 'password123') };
  }

  /** Raises a new alert in the township (a camera of its own) and waits until the control console has it. */
  async function raiseAlert(): Promise<void> {
    const cameraId = await addCamera(stack.pg, stack.where.t1);
    await stack.enqueue(cameraEvent(cameraId, 1, { type: 'intrusion' }));
    await until('the control console hears the alert', () =>
      control.created.some((m) => m.alert.cameraId === cameraId),
    );
  }

  it.each<[string, () => UpdateUser]>([
    ['disabled', () => ({ disabled: true })],
    ['given a new password', () => ({ password: 'another-password-456' })],
    ['given other roles', () => ({ roles: ['dispatcher'] })],
    ['moved to another region', () => ({ regionId: stack.where.t2.id })],
  ])('when the user is %s, their socket is disconnected and hears no more alerts', async (_case, change) => {
    const { user, session } = await townshipOfficer();
    const socket = await stack.live(session.accessToken);
    const seen = record(socket);
    const ended = disconnected(socket);

    const res = await admin.call(`/api/users/${user.id}`, { method: 'PATCH', json: change() });
    expect(res.status).toBe(200);
    expect(await ended).toBe('io server disconnect');

    await raiseAlert();
    expect(seen.created).toHaveLength(0);
    expect(socket.connected).toBe(false);
    // The console cannot come back with the old token: it has to sign in again.
    expect(await refusal(stack.api.url, session.accessToken)).toMatch(/disabled|revoked/);
  });

  it('a socket is closed when its token expires', async () => {
    const { session } = await townshipOfficer();
    // The same session, re-signed to expire in two seconds.
    const [header, payload] = session.accessToken.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    const short = Buffer.from(JSON.stringify({ ...claims, iat: now, exp: now + 2 })).toString('base64url');
    const signature = createHmac('sha256', process.env.JWT_SECRET!)
      .update(`${header}.${short}`)
      .digest('base64url');
    const socket = await stack.live(`${header}.${short}.${signature}`);
    const ended = disconnected(socket);
    expect(socket.connected).toBe(true);
    expect(await ended).toBe('io server disconnect');
    expect(await refusal(stack.api.url, `${header}.${short}.${signature}`)).toMatch(/expired/);
  });

  it('refuses a socket.io handshake from a foreign Origin and allows its own', async () => {
    const handshake = (origin?: string) =>
      fetch(`${stack.api.url}/socket.io/?EIO=4&transport=polling`, {
        headers: origin ? { origin } : {},
      }).then((r) => r.status);
    expect(await handshake('http://evil.example')).toBe(403);
    expect(await handshake(stack.api.url)).toBe(200);
    expect(await handshake()).toBe(200);

    const { session } = await townshipOfficer();
    const foreign = io(stack.api.url, {
      auth: { token: session.accessToken },
      transports: ['websocket'],
      reconnection: false,
      extraHeaders: { origin: 'http://evil.example' },
    });
    const outcome = await new Promise<string>((resolve) => {
      foreign.once('connect', () => resolve('connected'));
      foreign.once('connect_error', () => resolve('refused'));
    });
    foreign.disconnect();
    expect(outcome).toBe('refused');
  });
});
