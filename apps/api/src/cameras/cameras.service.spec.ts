import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  HttpException,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { AuthUser } from '@xueliang/auth';
import { Camera, CredentialCipher, Region } from '@xueliang/db';
import { gatewayRoutes, type ProbeResult } from '@xueliang/gateway-protocol';
import { loadConfig } from '@xueliang/platform';
import type { GatewayClient, GatewayReply } from '../live-video/gateway-client.service';
import type { RegionsService } from '../regions/regions.service';
import type { AuditedBy, CamerasRepository, CameraWithRegion } from './cameras.repository';
import { strictFake } from '../../../../test/support/strict-fake';
import { CamerasService } from './cameras.service';

/** Calls no fake expected: recorded as well as thrown, since a `.catch()` in the service may swallow the throw. */
const unexpected: string[] = [];
afterEach(() => {
  const seen = unexpected.splice(0);
  expect(seen).toEqual([]);
});

/** A fake that answers only what the test gave it: any other call fails the test by name. */
function strict<T extends object>(name: string, impl: Partial<T>): T {
  return strictFake(name, impl, unexpected);
}

type RouteName = keyof typeof gatewayRoutes;
interface GatewayCall {
  route: RouteName;
  params: Record<string, string>;
  json?: unknown;
}

/** The gateway, answering only the routes listed; every call is recorded. */
function gatewayAnswering(answers: Partial<Record<RouteName, () => unknown>>): {
  client: GatewayClient;
  calls: GatewayCall[];
} {
  const calls: GatewayCall[] = [];
  const answer = (route: unknown, params: Record<string, string>, init?: { json?: unknown }): unknown => {
    const name = (Object.keys(gatewayRoutes) as RouteName[]).find((k) => gatewayRoutes[k] === route);
    const reply = name && answers[name];
    if (!name || !reply) {
      unexpected.push(`gateway route ${name ?? String(route)}`);
      throw new Error(`gateway route ${name ?? String(route)} was called but not expected`);
    }
    calls.push({ route: name, params, ...(init?.json !== undefined ? { json: init.json } : {}) });
    return reply();
  };
  const client = strict<GatewayClient>('gateway', {
    ask: (async (route: unknown, params: Record<string, string>, init?: { json?: unknown }) =>
      answer(route, params, init)) as GatewayClient['ask'],
    call: async (route: unknown, params: Record<string, string>, init?: { json?: unknown }) =>
      answer(route, params, init) as GatewayReply,
  });
  return { client, calls };
}

const county = region({ id: 'r-county', path: '/c/', name: 'county' });
const township = region({ id: 'r-east', path: '/c/east/', name: 'east' });
const otherTownship = region({ id: 'r-west', path: '/c/west/', name: 'west' });

function region(values: Pick<Region, 'id' | 'path' | 'name'>): Region {
  return Object.assign(new Region(), { level: 'township', parentId: null, ...values });
}

function user(home: Region): AuthUser {
  return {
    id: 'u1',
    username: 'tech',
    displayName: 'Tech',
    roles: ['technician'],
    regionId: home.id,
    regionName: home.name,
    regionLevel: 'township',
    regionPath: home.path,
  };
}

function camera(values: Partial<Camera> = {}, at: Region = township): CameraWithRegion {
  return Object.assign(new Camera(), {
    id: '0b6f4c1e-1f6a-4c55-9a57-6f4f0f0f0f0f',
    name: 'gate',
    regionId: at.id,
    regionPath: at.path,
    lon: 100,
    lat: 38,
    onvifAddress: 'http://10.0.0.5/onvif/device_service',
    username: 'admin',
    passwordEncrypted: 'v1:stored',
    ptz: false,
    events: true,
    status: 'online',
    checkpointId: null,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    ...values,
    region: at,
  });
}

const probeResult: ProbeResult = {
  manufacturer: 'Acme',
  model: 'Dome 2',
  serialNumber: 'SN1',
  firmware: '1.0',
  main: { profileToken: 'main', rtspUri: 'rtsp://10.0.0.5/main', width: 1920, height: 1080, codec: 'h264' },
  sub: null,
  snapshotUri: null,
  videoCodec: 'h264',
  ptz: true,
  events: true,
};

const regionsOf = (...known: Region[]): RegionsService =>
  strict<RegionsService>('regions', {
    findVisible: async (_user: AuthUser, id: string) => {
      const found = known.find((r) => r.id === id);
      if (!found) throw new NotFoundException('region not found');
      return found;
    },
  });

const config = loadConfig();
const cipher = new CredentialCipher(config.CREDENTIAL_KEY);
const register = {
  regionId: township.id,
  onvifAddress: 'http://10.0.0.9/onvif/device_service',
  username: 'admin',
  password: 'secret-pass',
  location: { lon: 100.1, lat: 38.1 },
  trustDeviceAddresses: false,
};

describe('CamerasService rules', () => {
  describe('register', () => {
    it('refuses a region outside the user’s own before talking to any camera', async () => {
      const service = new CamerasService(
        strict<CamerasRepository>('cameras', {}),
        regionsOf(township, otherTownship),
        gatewayAnswering({}).client,
        config,
      );
      await expect(
        service.register(user(township), { ...register, regionId: otherTownship.id }, '1.2.3.4'),
      ).rejects.toBeInstanceOf(ForbiddenException);
    });

    it('refuses an address already registered before probing it', async () => {
      const service = new CamerasService(
        strict<CamerasRepository>('cameras', { existsAtAddress: async () => true }),
        regionsOf(township),
        gatewayAnswering({}).client,
        config,
      );
      await expect(service.register(user(township), register, '1.2.3.4')).rejects.toBeInstanceOf(
        ConflictException,
      );
    });

    it.each([
      ['the name given', 'Main gate', 'Discovered cam', 'Main gate'],
      ['the name discovery reported', undefined, 'Discovered cam', 'Discovered cam'],
      ['manufacturer and model', undefined, null, 'Acme Dome 2'],
    ])('names the camera from %s and stores what the probe found', async (_case, name, found, expected) => {
      const stored: Array<{ values: Partial<Camera>; by: AuditedBy; detail: unknown }> = [];
      const gateway = gatewayAnswering({
        probe: () => probeResult,
        discovery: () => ({
          scanning: false,
          startedAt: null,
          devices: [{ urn: 'u', xaddr: register.onvifAddress, scopes: [], name: found, hardware: null }],
        }),
      });
      const service = new CamerasService(
        strict<CamerasRepository>('cameras', {
          existsAtAddress: async () => false,
          create: async (values, by, action) => {
            const created = Object.assign(new Camera(), values, { id: 'new-id', createdAt: new Date() });
            stored.push({ values, by, detail: action(created) });
            return created;
          },
        }),
        regionsOf(township),
        gateway.client,
        config,
      );
      const view = await service.register(user(township), { ...register, name }, '1.2.3.4');

      expect(view).toMatchObject({ id: 'new-id', name: expected, ptz: true, status: 'online' });
      expect(gateway.calls[0]).toEqual({
        route: 'probe',
        params: {},
        json: {
          onvifAddress: register.onvifAddress,
          username: 'admin',
          password: 'secret-pass',
          trustDeviceAddresses: false,
        },
      });
      const [{ values, by, detail }] = stored as [(typeof stored)[number]];
      expect(values).toMatchObject({ regionPath: township.path, rtspUri: 'rtsp://10.0.0.5/main', ptz: true });
      // The password is stored encrypted and never reaches the audit entry.
      expect(values.passwordEncrypted).not.toContain('secret-pass');
      expect(cipher.decrypt(values.passwordEncrypted!)).toBe('secret-pass');
      expect(by).toEqual({ actor: user(township), ip: '1.2.3.4' });
      expect(detail).toMatchObject({ action: 'camera.register', targetId: 'new-id', regionId: township.id });
      expect(JSON.stringify(detail)).not.toContain('secret-pass');
    });
  });

  describe('update', () => {
    const repoWith = (
      existing: CameraWithRegion,
      extra: Partial<CamerasRepository> = {},
    ): CamerasRepository =>
      strict<CamerasRepository>('cameras', { findWithRegion: async () => existing, ...extra });

    it('an edit of name only writes the name and never talks to the camera', async () => {
      const writes: Array<{ changes: Partial<Camera>; detail: unknown }> = [];
      const service = new CamerasService(
        repoWith(camera(), {
          update: async (_id, changes, _by, action) => {
            writes.push({ changes, detail: action.detail });
          },
        }),
        regionsOf(township),
        gatewayAnswering({}).client,
        config,
      );
      const view = await service.update(user(township), camera().id, { name: 'North gate' }, '1.2.3.4');
      expect(view.name).toBe('North gate');
      expect(writes).toEqual([{ changes: { name: 'North gate' }, detail: { fields: ['name'] } }]);
    });

    it('moving the address to another host needs the password again (no probe, no write)', async () => {
      const service = new CamerasService(
        repoWith(camera(), { existsAtAddress: async () => false }),
        regionsOf(township),
        gatewayAnswering({}).client,
        config,
      );
      const err = await service
        .update(
          user(township),
          camera().id,
          { onvifAddress: 'http://203.0.113.7/onvif/device_service' },
          'ip',
        )
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BadRequestException);
      expect((err as HttpException).getResponse()).toMatchObject({ code: 'password_required' });
    });

    it.each([
      ['password', { password: 'wrong' }, 'password'],
      ['username without a password', { username: 'operator' }, 'username'],
    ])('a rejected %s is a 422 naming that field, and nothing is written', async (_case, edit, field) => {
      const rejected = new UnprocessableEntityException({
        message: 'camera rejected the credentials (NotAuthorized)',
        code: 'camera_auth_failed',
      });
      const service = new CamerasService(
        repoWith(camera()),
        regionsOf(township),
        gatewayAnswering({
          probe: () => {
            throw rejected;
          },
        }).client,
        config,
      );
      const err = await service.update(user(township), camera().id, edit, 'ip').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnprocessableEntityException);
      expect((err as HttpException).getResponse()).toMatchObject({
        code: 'camera_auth_failed',
        message: `${field}: camera rejected the credentials (NotAuthorized)`,
        issues: [{ path: field }],
      });
    });

    it('a new password is probed with the camera id, stored encrypted, and the holding gateway reconnects', async () => {
      const writes: Partial<Camera>[] = [];
      const gateway = gatewayAnswering({ probe: () => probeResult, reconnect: () => ({ status: 200 }) });
      const service = new CamerasService(
        repoWith(camera(), {
          update: async (_id, changes) => {
            writes.push(changes);
          },
        }),
        regionsOf(township),
        gateway.client,
        config,
      );
      await service.update(user(township), camera().id, { password: 'new-pass' }, 'ip');
      expect(gateway.calls).toEqual([
        {
          route: 'probe',
          params: {},
          json: {
            onvifAddress: camera().onvifAddress,
            username: 'admin',
            password: 'new-pass',
            cameraId: camera().id,
          },
        },
        { route: 'reconnect', params: { id: camera().id } },
      ]);
      expect(cipher.decrypt(writes[0].passwordEncrypted!)).toBe('new-pass');
      expect(writes[0]).toMatchObject({ ptz: true, manufacturer: 'Acme' });
    });

    it('trusting the device addresses or not is probed again with the stored password, then stored', async () => {
      const writes: Partial<Camera>[] = [];
      const gateway = gatewayAnswering({ probe: () => probeResult, reconnect: () => ({ status: 200 }) });
      const service = new CamerasService(
        repoWith(camera(), {
          update: async (_id, changes) => {
            writes.push(changes);
          },
        }),
        regionsOf(township),
        gateway.client,
        config,
      );
      await service.update(user(township), camera().id, { trustDeviceAddresses: true }, 'ip');
      expect(gateway.calls[0]).toEqual({
        route: 'probe',
        params: {},
        json: {
          onvifAddress: camera().onvifAddress,
          username: 'admin',
          cameraId: camera().id,
          trustDeviceAddresses: true,
        },
      });
      expect(writes[0]).toMatchObject({ trustDeviceAddresses: true, manufacturer: 'Acme' });
      expect(writes[0].passwordEncrypted).toBeUndefined();
    });
  });

  it('a camera in another township is not found, whatever the id', async () => {
    const service = new CamerasService(
      strict<CamerasRepository>('cameras', { findWithRegion: async () => camera({}, otherTownship) }),
      regionsOf(township),
      gatewayAnswering({}).client,
      config,
    );
    await expect(service.get(user(township), camera().id)).rejects.toBeInstanceOf(NotFoundException);
    // The county platform sees it.
    await expect(service.get(user(county), camera().id)).resolves.toMatchObject({ regionName: 'west' });
  });

  it('PTZ on a camera without PTZ is a 409 and never reaches the gateway', async () => {
    const service = new CamerasService(
      strict<CamerasRepository>('cameras', { findWithRegion: async () => camera({ ptz: false }) }),
      regionsOf(township),
      gatewayAnswering({}).client,
      config,
    );
    await expect(service.ptz(user(township), camera().id, { action: 'stop' }, 'ip')).rejects.toBeInstanceOf(
      ConflictException,
    );
  });

  it('the latest scan is joined with the register and sorted by address', async () => {
    const device = (
      xaddr: string,
    ): { urn: string; xaddr: string; scopes: string[]; name: null; hardware: null } => ({
      urn: `urn:${xaddr}`,
      xaddr,
      scopes: [],
      name: null,
      hardware: null,
    });
    const service = new CamerasService(
      strict<CamerasRepository>('cameras', {
        idsByAddress: async (addresses) => {
          expect(addresses).toEqual(['http://b', 'http://a']);
          return new Map([['http://a', 'cam-a']]);
        },
      }),
      regionsOf(),
      gatewayAnswering({
        discovery: () => ({
          scanning: true,
          startedAt: '2026-12-01T00:00:00.000Z',
          devices: [device('http://b'), device('http://a')],
        }),
      }).client,
      config,
    );
    await expect(service.discovered()).resolves.toEqual({
      scanning: true,
      startedAt: '2026-12-01T00:00:00.000Z',
      items: [
        { ...device('http://a'), registeredCameraId: 'cam-a' },
        { ...device('http://b'), registeredCameraId: null },
      ],
    });
  });
});
