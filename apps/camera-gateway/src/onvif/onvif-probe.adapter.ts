import { Injectable, Optional } from '@nestjs/common';
import type { ProbedStream, ProbeResult } from '@xueliang/gateway-protocol';
import { StreamCodecProbe } from '../cameras/stream-codec.adapter';
import { withCredentials } from '../streams/ffmpeg-args';
import { CameraNetworks, NO_ONVIF_DEVICE, resolveCameraHost } from './camera-networks';
import { CameraEndpoint, OnvifClient, ServiceAddresses } from './onvif-client.adapter';
import { networkFailure, OnvifError, redactedFailure } from './onvif-error';
import { OnvifRequest } from './soap-envelopes';
import { asArray, path, text, XmlNode } from './soap-response';

/** The protocol's probe target once the gateway has resolved the password (a stored one, decrypted). */
export interface ProbeTarget {
  onvifAddress: string;
  username: string;
  password: string;
  /** Use the addresses the device reports as they are (no NAT rewrite). */
  trustDeviceAddresses?: boolean;
}

/** Encoder names as cameras spell them (H264, H.265, HEVC) → h264 / h265. */
export function normaliseCodec(encoding: unknown): string | null {
  if (typeof encoding !== 'string' || !encoding) return null;
  const e = encoding.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (e === 'h265' || e === 'hevc') return 'h265';
  if (e === 'h264' || e === 'avc') return 'h264';
  return e;
}

interface ProfileSize {
  token: string;
  width: number;
  height: number;
  codec: string | null;
}

/** Main = the highest resolution, sub = the lowest (when there is a second profile). */
export function pickProfiles(profiles: ProfileSize[]): { main: ProfileSize; sub: ProfileSize | null } | null {
  if (!profiles.length) return null;
  const sorted = [...profiles].sort((a, b) => b.width * b.height - a.width * a.height);
  const main = sorted[0];
  const last = sorted[sorted.length - 1];
  return { main, sub: last.token !== main.token ? last : null };
}

/** Classifies the onvif package's errors into the three registration outcomes (and a rest). */
export function classifyProbeError(err: unknown): OnvifError {
  if (err instanceof OnvifError) return err;
  const e = err as NodeJS.ErrnoException;
  const msg = e?.message ?? String(err);
  // Only an ONVIF service's own SOAP fault says "wrong credentials"; a bare HTTP 401 or a failed
  // HTTP Digest is any web server, and telling those apart would let registration map a network.
  if (/ONVIF SOAP Fault/i.test(msg) && /NotAuthori[sz]ed|not authori[sz]ed/i.test(msg)) {
    return new OnvifError('auth', 'camera rejected the credentials (NotAuthorized)');
  }
  if (e?.code || /timeout|\bE[A-Z]{4,}\b|socket hang up/i.test(msg)) return networkFailure(err);
  if (
    /Wrong ONVIF SOAP response|Non-whitespace|Unexpected|Invalid character|Unclosed|getSystemDateAndTimeResponse|Cannot read/i.test(
      msg,
    )
  ) {
    return new OnvifError('not_onvif', 'not an ONVIF device');
  }
  return new OnvifError('fault', `camera probe failed: ${msg}`);
}

/**
 * What the probe says when the connection phase fails: the camera's own auth fault, else one
 * answer for every kind of "nothing ONVIF there" (refused, timed out, unreachable, not HTTP,
 * HTTP but not ONVIF, unknown replies), so that open, closed and filtered ports look alike.
 */
export function connectFailure(err: unknown): OnvifError {
  const e = classifyProbeError(err);
  return e.kind === 'auth' || e.kind === 'not_allowed' ? e : new OnvifError('not_onvif', NO_ONVIF_DEVICE);
}

/** Profiles of a GetProfiles reply, Media2 (Configurations/VideoEncoder) or Media (VideoEncoderConfiguration). */
export function profilesOf(body: XmlNode, media2: boolean): ProfileSize[] {
  const list = asArray(path(body, 'GetProfilesResponse', 'Profiles'));
  return list.flatMap((p) => {
    const token = path(p, '@_token');
    const enc = media2 ? path(p, 'Configurations', 'VideoEncoder') : path(p, 'VideoEncoderConfiguration');
    if (typeof token !== 'string' || !token) return [];
    return [
      {
        token,
        width: Number(text(path(enc, 'Resolution', 'Width')) ?? 0) || 0,
        height: Number(text(path(enc, 'Resolution', 'Height')) ?? 0) || 0,
        codec: normaliseCodec(text(path(enc, 'Encoding'))),
      },
    ];
  });
}

/** ffprobe needs a moment to connect and read the first frames, however short ONVIF_TIMEOUT_MS is. */
const CODEC_PROBE_MIN_MS = 8_000;

/**
 * Registration probe over the same SOAP client the gateway operates cameras with (so what
 * registers also operates): the camera's clock, service addresses, device information, profiles
 * (Media2 where offered, since only it can say H.265; Media otherwise), stream and snapshot URIs,
 * PTZ and events capability, and each stream's codec read from the stream itself.
 * The address is checked against CAMERA_NETWORKS before anything connects.
 */
@Injectable()
export class OnvifProbe {
  constructor(
    private readonly onvif: OnvifClient,
    private readonly codecs: StreamCodecProbe,
    @Optional() private readonly networks: CameraNetworks = CameraNetworks.any(),
  ) {}

  async probe(target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
    const cam: CameraEndpoint = {
      xaddr: target.onvifAddress,
      username: target.username,
      password: target.password,
      trustDeviceAddresses: target.trustDeviceAddresses ?? false,
    };
    try {
      await resolveCameraHost(new URL(target.onvifAddress).hostname, this.networks);
      // A fresh look at the device: what an earlier probe learnt (addresses, auth) may be stale.
      this.onvif.forget(cam.xaddr);
      const services = await this.connect(cam, timeoutMs);
      const info = path(
        (await this.onvif.call(cam, { action: 'GetDeviceInformation' }, { timeoutMs })).body,
        'GetDeviceInformationResponse',
      );
      const media = await this.media(cam, services, timeoutMs);
      const picked = pickProfiles(media.profiles);
      if (!picked) throw new OnvifError('fault', 'camera has no media profiles');
      const stream = async (p: ProfileSize): Promise<ProbedStream> => {
        const rtspUri = await media.streamUri(p.token);
        // Streams are pulled from where the device says (moved to the registered host unless
        // trusted), with its credentials: that host must be inside CAMERA_NETWORKS too.
        const reachable = this.onvif.reachable(cam, rtspUri);
        await this.assertInside(reachable);
        const measured = await this.codecs.codecOf(
          withCredentials(reachable, cam.username, cam.password),
          Math.max(timeoutMs * 2, CODEC_PROBE_MIN_MS),
        );
        return {
          profileToken: p.token,
          rtspUri,
          width: p.width,
          height: p.height,
          codec: measured ?? p.codec,
        };
      };
      const [main, sub] = await Promise.all([
        stream(picked.main),
        picked.sub ? stream(picked.sub) : Promise.resolve(null),
      ]);
      const snapshotUri = await media.snapshotUri(picked.main.token).catch(() => null);
      const str = (k: string): string | null => text(path(info, k)) || null;
      return {
        manufacturer: str('Manufacturer'),
        model: str('Model'),
        serialNumber: str('SerialNumber'),
        firmware: str('FirmwareVersion'),
        main,
        sub,
        snapshotUri,
        videoCodec: main.codec,
        ptz: Boolean(services.ptz),
        events: Boolean(services.events),
      };
    } catch (err) {
      throw redactedFailure(classifyProbeError(err), [target.password]);
    }
  }

  /**
   * The connection phase: the camera's clock (unauthenticated, and the proof that ONVIF answers
   * there), then its service addresses. Failures here say the camera's own auth fault, or one
   * answer for every kind of "nothing ONVIF there".
   */
  private async connect(cam: CameraEndpoint, timeoutMs: number): Promise<ServiceAddresses> {
    let soapSeen: boolean;
    try {
      await this.onvif.syncClock(cam, timeoutMs);
      soapSeen = true;
    } catch (err) {
      // Some firmware wants credentials even for the clock: the authenticated call below decides.
      if (!(err instanceof OnvifError && (err.kind === 'auth' || err.kind === 'fault')))
        throw connectFailure(err);
      // A SOAP fault (NotAuthorized included) is ONVIF talking; a bare HTTP 401 may be any server.
      soapSeen = !(err.kind === 'auth' && /HTTP 401/.test(err.message));
    }
    try {
      return await this.onvif.serviceAddresses(cam, timeoutMs);
    } catch (err) {
      // A 401 from something that never spoke SOAP is any web server, not a wrong password.
      if (err instanceof OnvifError && err.kind === 'auth' && !soapSeen && /HTTP 401/.test(err.message))
        throw new OnvifError('not_onvif', NO_ONVIF_DEVICE);
      throw connectFailure(err);
    }
  }

  /** Media2 where the camera offers it (and it answers), Media (ver10) otherwise. */
  private async media(
    cam: CameraEndpoint,
    services: ServiceAddresses,
    timeoutMs: number,
  ): Promise<{
    profiles: ProfileSize[];
    streamUri(token: string): Promise<string>;
    snapshotUri(token: string): Promise<string | null>;
  }> {
    const call = (req: OnvifRequest) => this.onvif.call(cam, req, { timeoutMs });
    if (services.media2) {
      const res = await call({ action: 'Media2GetProfiles' }).catch(() => undefined);
      const profiles = res ? profilesOf(res.body, true) : [];
      if (profiles.length)
        return {
          profiles,
          streamUri: async (profileToken) =>
            required(
              text(
                path(
                  (await call({ action: 'Media2GetStreamUri', profileToken })).body,
                  'GetStreamUriResponse',
                  'Uri',
                ),
              ),
            ),
          snapshotUri: async (profileToken) =>
            text(
              path(
                (await call({ action: 'Media2GetSnapshotUri', profileToken })).body,
                'GetSnapshotUriResponse',
                'Uri',
              ),
            ) ?? null,
        };
    }
    const res = await call({ action: 'GetProfiles' });
    return {
      // Media (ver10) cannot name H.265, so its H264 may be one: unknown until the stream says.
      profiles: profilesOf(res.body, false).map((p) => (p.codec === 'h264' ? { ...p, codec: null } : p)),
      streamUri: async (profileToken) =>
        required(
          text(
            path(
              (await call({ action: 'GetStreamUri', profileToken })).body,
              'GetStreamUriResponse',
              'MediaUri',
              'Uri',
            ),
          ),
        ),
      snapshotUri: async (profileToken) =>
        text(
          path(
            (await call({ action: 'GetSnapshotUri', profileToken })).body,
            'GetSnapshotUriResponse',
            'MediaUri',
            'Uri',
          ),
        ) ?? null,
    };
  }

  private async assertInside(uri: string): Promise<void> {
    if (this.networks.isAny) return;
    let host: string;
    try {
      host = new URL(uri).hostname;
    } catch {
      throw new OnvifError('fault', 'camera reported a malformed stream URI');
    }
    const e = await resolveCameraHost(host, this.networks).then(
      () => undefined,
      (err: unknown) => err,
    );
    if (e instanceof OnvifError && e.kind === 'not_allowed')
      throw new OnvifError('not_allowed', `the camera's stream address ${e.message}`);
    if (e) throw e;
  }
}

function required(uri: string | undefined): string {
  if (!uri) throw new OnvifError('fault', 'camera returned no stream URI');
  return uri;
}
