import {
  BadRequestException,
  ConflictException,
  HttpException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import {
  onvifDeviceChanged,
  PROBE_ERROR_CODES,
  type CameraDetailView,
  type CameraListQuery,
  type CameraView,
  type DiscoveredDevice,
  type DiscoveryScanView,
  type ProbeErrorCode,
  type PtzCommand,
  type PtzPresetView,
  type RegisterCamera,
  type UpdateCamera,
} from '@xueliang/contracts';
import { assertVisible, assertWritable, AuthUser } from '@xueliang/auth';
import { Camera, CredentialCipher, Region } from '@xueliang/db';
import { gatewayRoutes, type ProbeResult, type ProbeTarget } from '@xueliang/gateway-protocol';
import { type AppConfig, InjectConfig } from '@xueliang/platform';
import { RegionsService } from '../regions/regions.service';
import { GatewayClient } from '../live-video/gateway-client.service';
import { type AuditedBy, CamerasRepository, type CameraWithRegion } from './cameras.repository';

const clip = (s: string | null, n = 64): string | null => (s === null ? null : s.slice(0, n));

/** The columns a probe fills in: stored at registration, refreshed by an address or credential edit. */
function probedColumns(probe: ProbeResult): Partial<Camera> {
  return {
    manufacturer: clip(probe.manufacturer),
    model: clip(probe.model),
    serialNumber: clip(probe.serialNumber),
    firmware: clip(probe.firmware),
    mainProfileToken: clip(probe.main.profileToken),
    subProfileToken: clip(probe.sub?.profileToken ?? null),
    rtspUri: probe.main.rtspUri,
    subRtspUri: probe.sub?.rtspUri ?? null,
    snapshotUri: probe.snapshotUri,
    videoCodec: clip(probe.main.codec ?? probe.videoCodec, 16),
    subVideoCodec: clip(probe.sub?.codec ?? null, 16),
    ptz: probe.ptz,
    events: probe.events,
  };
}

const isProbeErrorCode = (code: unknown): code is ProbeErrorCode =>
  (PROBE_ERROR_CODES as readonly unknown[]).includes(code);

/**
 * A failed probe of an edit, as the 422 the gateway gave (same code) with its message naming the
 * edited field, e.g. "password: camera rejected the credentials (NotAuthorized)". Other errors
 * (502 camera error, 503 no gateway…) pass unchanged.
 */
function probeFailureOn(err: unknown, field: (code: ProbeErrorCode) => string): unknown {
  if (!(err instanceof HttpException) || err.getStatus() !== 422) return err;
  const body = err.getResponse();
  if (typeof body !== 'object' || body === null) return err;
  const { code, message } = body as { code?: unknown; message?: unknown };
  if (!isProbeErrorCode(code)) return err;
  const path = field(code);
  // The gateway already names the field of an address outside CAMERA_NETWORKS: say it once.
  const said = String(message ?? 'camera probe failed');
  const reason = said.startsWith(`${path}: `) ? said.slice(path.length + 2) : said;
  return new UnprocessableEntityException({
    statusCode: 422,
    error: 'Unprocessable Entity',
    message: `${path}: ${reason}`,
    code,
    issues: [{ path, message: reason }],
  });
}

const PASSWORD_REQUIRED = 'enter the camera password again to change its address (host or port)';

function passwordRequired(): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: `password: ${PASSWORD_REQUIRED}`,
    code: 'password_required',
    issues: [{ path: 'password', message: PASSWORD_REQUIRED }],
  });
}

/** The signed-in user acting from `ip`, as the repository audits it. */
function by(user: AuthUser, ip: string): AuditedBy {
  return { actor: user, ip };
}

/**
 * Camera register and operations: who may do what to which camera. Rows and audit entries go
 * through CamerasRepository, everything that touches a camera through a gateway (GatewayClient).
 */
@Injectable()
export class CamerasService {
  private readonly cipher: CredentialCipher;

  constructor(
    private readonly cameras: CamerasRepository,
    private readonly regions: RegionsService,
    private readonly gateways: GatewayClient,
    @InjectConfig() config: AppConfig,
  ) {
    this.cipher = new CredentialCipher(config.CREDENTIAL_KEY);
  }

  async list(user: AuthUser, q: CameraListQuery): Promise<CameraView[]> {
    const subtreePath = q.regionId ? (await this.regions.findVisible(user, q.regionId)).path : undefined;
    const [minLon, minLat, maxLon, maxLat] = q.bbox ? q.bbox.split(',').map(Number) : [];
    const rows = await this.cameras.list(user, {
      subtreePath,
      status: q.status,
      nameContains: q.q,
      bbox: q.bbox ? { minLon: minLon, minLat: minLat, maxLon: maxLon, maxLat: maxLat } : undefined,
      limit: q.limit,
    });
    return rows.map((c) => toCameraView(c, c.region));
  }

  async findVisible(user: AuthUser, id: string): Promise<CameraWithRegion> {
    const c = await this.cameras.findWithRegion(id);
    if (!c) throw new NotFoundException('camera not found');
    assertVisible(user, c.regionPath, 'camera');
    return c;
  }

  async get(user: AuthUser, id: string): Promise<CameraDetailView> {
    const c = await this.findVisible(user, id);
    return toCameraDetail(c, c.region);
  }

  /** Probe through a gateway, then store; the three probe failures come back as distinct 422s. */
  async register(user: AuthUser, input: RegisterCamera, ip: string): Promise<CameraDetailView> {
    const region = await this.regions.findVisible(user, input.regionId);
    assertWritable(user, region.path);
    if (await this.cameras.existsAtAddress(input.onvifAddress)) {
      throw new ConflictException('a camera with this ONVIF address is already registered');
    }
    if (input.nationalCode && (await this.cameras.nationalCodeTaken(input.nationalCode))) {
      throw new ConflictException('nationalCode: another camera has this national code');
    }
    const probe = await this.probe({
      onvifAddress: input.onvifAddress,
      username: input.username,
      password: input.password,
      trustDeviceAddresses: input.trustDeviceAddresses,
    });
    const discovered = await this.discoveredName(input.onvifAddress);
    const name =
      input.name ??
      discovered ??
      ([probe.manufacturer, probe.model].filter(Boolean).join(' ') || input.onvifAddress);
    const camera = await this.cameras.create(
      {
        name: name.slice(0, 100),
        regionId: region.id,
        regionPath: region.path,
        lon: input.location.lon,
        lat: input.location.lat,
        onvifAddress: input.onvifAddress,
        username: input.username,
        passwordEncrypted: this.cipher.encrypt(input.password),
        trustDeviceAddresses: input.trustDeviceAddresses,
        nationalCode: input.nationalCode ?? null,
        ...probedColumns(probe),
        // The probe just talked to it.
        status: 'online',
        statusChangedAt: new Date(),
        lastSeenAt: new Date(),
      },
      by(user, ip),
      (created) => ({
        action: 'camera.register',
        targetType: 'camera',
        targetId: created.id,
        regionId: region.id,
        detail: { name: created.name, onvifAddress: created.onvifAddress, model: created.model },
      }),
    );
    return toCameraDetail(camera, region);
  }

  /**
   * An edit that changes the ONVIF address or the credentials is probed first, exactly as
   * registration is: on success the new values are stored with what the probe found (streams,
   * snapshot, profiles, codec, PTZ…); on failure nothing changes and the 422 names the field.
   * Other edits (name, region, location, checkpoint) never talk to the camera.
   */
  async update(user: AuthUser, id: string, input: UpdateCamera, ip: string): Promise<CameraDetailView> {
    const camera = await this.findVisible(user, id);
    assertWritable(user, camera.regionPath, 'camera');
    let region = camera.region;
    if (input.regionId && input.regionId !== camera.regionId) {
      region = await this.regions.findVisible(user, input.regionId);
      assertWritable(user, region.path);
    }
    const addressChanged = input.onvifAddress !== undefined && input.onvifAddress !== camera.onvifAddress;
    const usernameChanged = input.username !== undefined && input.username !== camera.username;
    // Trusting the device's addresses or not changes where streams are read: probed again too.
    const trustChanged =
      input.trustDeviceAddresses !== undefined && input.trustDeviceAddresses !== camera.trustDeviceAddresses;
    // The stored password is not readable here, so any password sent is a change.
    const reconnect = addressChanged || usernameChanged || trustChanged || input.password !== undefined;
    if (addressChanged && (await this.cameras.existsAtAddress(input.onvifAddress!))) {
      throw new ConflictException('onvifAddress: a camera with this ONVIF address is already registered');
    }
    if (input.nationalCode && (await this.cameras.nationalCodeTaken(input.nationalCode, camera.id))) {
      throw new ConflictException('nationalCode: another camera has this national code');
    }
    // The stored password goes only where it was entered for: pointing the camera at another
    // host or port (someone's own server, say) must bring the password again, or the probe would
    // hand the stored one to whatever listens there.
    if (
      addressChanged &&
      input.password === undefined &&
      onvifDeviceChanged(camera.onvifAddress, input.onvifAddress!)
    ) {
      throw passwordRequired();
    }
    const probe = reconnect
      ? await this.probe({
          onvifAddress: input.onvifAddress ?? camera.onvifAddress,
          username: input.username ?? camera.username,
          password: input.password,
          cameraId: camera.id,
          trustDeviceAddresses: input.trustDeviceAddresses ?? camera.trustDeviceAddresses,
        }).catch((err: unknown) => {
          throw probeFailureOn(err, (code) =>
            code !== 'camera_auth_failed'
              ? 'onvifAddress'
              : input.password === undefined && usernameChanged
                ? 'username'
                : 'password',
          );
        })
      : undefined;

    // Nothing is changed before this point: a failed probe leaves the record as it was.
    // Only the edited columns are written, so a status the gateway set meanwhile stays.
    const changes: Partial<Camera> = {};
    if (region.id !== camera.regionId)
      Object.assign(changes, { regionId: region.id, regionPath: region.path });
    if (input.name !== undefined) changes.name = input.name;
    if (input.location) Object.assign(changes, { lon: input.location.lon, lat: input.location.lat });
    if (input.checkpointId !== undefined) changes.checkpointId = input.checkpointId;
    if (input.nationalCode !== undefined) changes.nationalCode = input.nationalCode;
    if (probe) {
      if (input.onvifAddress !== undefined) changes.onvifAddress = input.onvifAddress;
      if (input.username !== undefined) changes.username = input.username;
      if (input.password !== undefined) changes.passwordEncrypted = this.cipher.encrypt(input.password);
      if (input.trustDeviceAddresses !== undefined) changes.trustDeviceAddresses = input.trustDeviceAddresses;
      Object.assign(changes, probedColumns(probe));
    }
    Object.assign(camera, changes);
    await this.cameras.update(camera.id, changes, by(user, ip), {
      action: 'camera.update',
      targetType: 'camera',
      targetId: camera.id,
      regionId: camera.regionId,
      // Field names only: a password never reaches the audit log.
      detail: { fields: Object.keys(input), ...(probe ? { probed: true } : {}) },
    });
    const view = toCameraDetail(camera, region);
    if (probe) {
      // The gateway holding the camera still uses the old address or credentials: its streams
      // stop (the next viewer starts afresh) and its event subscription is made again. Should
      // this call be lost, the gateway's periodic re-read of the record catches up.
      await this.gateways.call(gatewayRoutes.reconnect, { id }, { cameraId: id }).catch(() => undefined);
    }
    return view;
  }

  async remove(user: AuthUser, id: string, ip: string): Promise<void> {
    const camera = await this.findVisible(user, id);
    assertWritable(user, camera.regionPath, 'camera');
    await this.cameras.remove(id, by(user, ip), {
      action: 'camera.delete',
      targetType: 'camera',
      targetId: id,
      regionId: camera.regionId,
      detail: { name: camera.name, onvifAddress: camera.onvifAddress },
    });
    // Its live streams stop now rather than at the idle timeout; the lease lapses by itself, so a
    // lost call costs only the idle timeout.
    await this.gateways.call(gatewayRoutes.stopStreams, { id }, { cameraId: id }).catch(() => undefined);
  }

  async ptz(user: AuthUser, id: string, cmd: PtzCommand, ip: string): Promise<{ presetToken?: string }> {
    const camera = await this.findVisible(user, id);
    if (!camera.ptz) throw new ConflictException('camera has no PTZ');
    const result = await this.gateways.ask(gatewayRoutes.ptz, { id }, { json: cmd, cameraId: id });
    await this.cameras.audit(by(user, ip), {
      action: 'camera.ptz',
      targetType: 'camera',
      targetId: id,
      regionId: camera.regionId,
      detail: { ...cmd },
    });
    return result;
  }

  async presets(user: AuthUser, id: string): Promise<PtzPresetView[]> {
    const camera = await this.findVisible(user, id);
    if (!camera.ptz) throw new ConflictException('camera has no PTZ');
    return this.gateways.ask(gatewayRoutes.presets, { id }, { cameraId: id });
  }

  async snapshot(user: AuthUser, id: string, ip: string): Promise<Buffer> {
    const camera = await this.findVisible(user, id);
    const reply = await this.gateways.call(
      gatewayRoutes.snapshot,
      { id },
      { cameraId: id, timeoutMs: 20_000 },
    );
    await this.cameras.audit(by(user, ip), {
      action: 'camera.snapshot',
      targetType: 'camera',
      targetId: id,
      regionId: camera.regionId,
    });
    return reply.body;
  }

  async startDiscovery(user: AuthUser, ip: string): Promise<DiscoveryScanView> {
    await this.gateways.ask(gatewayRoutes.startDiscovery, {});
    await this.cameras.audit(by(user, ip), { action: 'camera.discovery', targetType: 'camera' });
    return this.discovered();
  }

  /** The latest scan (any gateway reports it) joined with the register. */
  async discovered(): Promise<DiscoveryScanView> {
    const scan = await this.gateways.ask(gatewayRoutes.discovery, {});
    const byAddress = await this.cameras.idsByAddress(scan.devices.map((d) => d.xaddr));
    const items: DiscoveredDevice[] = scan.devices
      .map((d) => ({
        xaddr: d.xaddr,
        urn: d.urn,
        name: d.name,
        hardware: d.hardware,
        scopes: d.scopes,
        registeredCameraId: byAddress.get(d.xaddr) ?? null,
      }))
      .sort((a, b) => a.xaddr.localeCompare(b.xaddr));
    return { scanning: scan.scanning, startedAt: scan.startedAt, items };
  }

  /** The registration probe, through any live gateway; its failures are 422s with a probe error code. */
  private probe(target: ProbeTarget): Promise<ProbeResult> {
    return this.gateways.ask(gatewayRoutes.probe, {}, { json: target, timeoutMs: 60_000 });
  }

  /**
   * The name WS-Discovery reported for this address, if a scan found it: a default, never required,
   * so a failed scan (no gateway, a timeout) only leaves the name empty.
   */
  private async discoveredName(xaddr: string): Promise<string | undefined> {
    const scan = await this.gateways.ask(gatewayRoutes.discovery, {}).catch(() => undefined);
    return scan?.devices.find((d) => d.xaddr === xaddr && d.name)?.name ?? undefined;
  }
}

function toCameraView(c: Camera, region: Region): CameraView {
  return {
    id: c.id,
    name: c.name,
    regionId: c.regionId,
    regionName: region.name,
    location: { lon: c.lon, lat: c.lat },
    status: c.status,
    statusReason: c.statusReason,
    lastSeenAt: c.lastSeenAt?.toISOString() ?? null,
    ptz: c.ptz,
    hasSubStream: Boolean(c.subRtspUri),
    manufacturer: c.manufacturer,
    model: c.model,
    onvifAddress: c.onvifAddress,
    checkpointId: c.checkpointId,
    nationalCode: c.nationalCode ?? null,
  };
}

function toCameraDetail(c: Camera, region: Region): CameraDetailView {
  return {
    ...toCameraView(c, region),
    serialNumber: c.serialNumber,
    firmware: c.firmware,
    videoCodec: c.videoCodec,
    subVideoCodec: c.subVideoCodec ?? null,
    trustDeviceAddresses: c.trustDeviceAddresses ?? false,
    events: c.events,
    username: c.username,
    statusChangedAt: c.statusChangedAt?.toISOString() ?? null,
    createdAt: (c.createdAt ?? new Date()).toISOString(),
  };
}
