import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { PtzCommand, PtzPresetView } from '@xueliang/contracts';
import { redactCredentials } from '@xueliang/platform';
import { GATEWAY_SETTINGS, GatewaySettings } from '../gateway.config';
import { CameraNetworks, resolveCameraHost } from '../onvif/camera-networks';
import { OnvifClient } from '../onvif/onvif-client.adapter';
import { OnvifRequest } from '../onvif/soap-envelopes';
import { asArray, path, text } from '../onvif/soap-response';
import { buildSnapshotArgs, withCredentials } from '../streams/ffmpeg-args';
import { FfmpegRunner } from '../streams/ffmpeg-runner.adapter';
import { CameraDirectory, CameraTarget } from './camera-directory.service';
import { CameraMedia } from './camera-media.service';
import {
  basicAuthorization,
  chooseAuth,
  digestAuthorization,
  mayCarryCredentials,
  parseChallenges,
} from './http-auth';

/** PTZ command (contracts) → ONVIF request: pure, table-tested. */
export function ptzRequest(cmd: PtzCommand, profileToken: string): OnvifRequest {
  switch (cmd.action) {
    case 'move':
      // A bounded move: if the operator's stop is lost, the dome stops by itself.
      return {
        action: 'ContinuousMove',
        profileToken,
        pan: cmd.pan,
        tilt: cmd.tilt,
        zoom: cmd.zoom,
        timeoutS: 10,
      };
    case 'stop':
      return { action: 'Stop', profileToken };
    case 'goto-preset':
      return { action: 'GotoPreset', profileToken, presetToken: cmd.preset };
    case 'set-preset':
      return { action: 'SetPreset', profileToken, name: cmd.name };
  }
}

/** PTZ, presets and snapshots of one camera. */
@Injectable()
export class CameraControl {
  constructor(
    @Inject(GATEWAY_SETTINGS) private readonly settings: GatewaySettings,
    private readonly onvif: OnvifClient,
    private readonly media: CameraMedia,
    private readonly cameras: CameraDirectory,
    private readonly ffmpeg: FfmpegRunner,
    private readonly networks: CameraNetworks,
  ) {}

  private async ptzCamera(id: string): Promise<CameraTarget & { mainProfileToken: string }> {
    const t = await this.media.withProfiles(id);
    if (!t.ptz) throw new ConflictException('camera has no PTZ');
    if (!t.mainProfileToken) throw new ConflictException('camera has no media profile');
    return { ...t, mainProfileToken: t.mainProfileToken };
  }

  async ptz(id: string, cmd: PtzCommand): Promise<{ presetToken?: string }> {
    const t = await this.ptzCamera(id);
    const res = await this.onvif.call(t, ptzRequest(cmd, t.mainProfileToken), {
      timeoutMs: this.settings.ONVIF_TIMEOUT_MS,
    });
    if (cmd.action === 'set-preset')
      return { presetToken: text(path(res.body, 'SetPresetResponse', 'PresetToken')) };
    return {};
  }

  async presets(id: string): Promise<PtzPresetView[]> {
    const t = await this.ptzCamera(id);
    const res = await this.onvif.call(
      t,
      { action: 'GetPresets', profileToken: t.mainProfileToken },
      { timeoutMs: this.settings.ONVIF_TIMEOUT_MS },
    );
    return asArray(path(res.body, 'GetPresetsResponse', 'Preset')).map((p) => ({
      token: String(path(p, '@_token') ?? ''),
      name: text(path(p, 'Name')) ?? '',
    }));
  }

  /** The ONVIF snapshot URI (credentials only when challenged), else one frame from RTSP. */
  async snapshot(id: string): Promise<Buffer> {
    const t = await this.cameras.get(id);
    if (t.snapshotUri) {
      // The URI is the device's word: its host is held to CAMERA_NETWORKS like the camera's own.
      // Should it fail, a frame is grabbed from the stream below, whose failure is reported.
      const uri = t.snapshotUri;
      const jpeg = await Promise.resolve()
        .then(() => resolveCameraHost(new URL(uri).hostname, this.networks))
        .then(() => fetchSnapshot(uri, t, this.settings.ONVIF_TIMEOUT_MS))
        .catch(() => undefined);
      if (jpeg) return jpeg;
    }
    if (!t.rtspMain) throw new NotFoundException('camera has neither a snapshot URI nor an RTSP stream');
    try {
      await resolveCameraHost(new URL(t.rtspSub ?? t.rtspMain).hostname, this.networks);
      return await this.ffmpeg.grabFrame(
        buildSnapshotArgs(withCredentials(t.rtspSub ?? t.rtspMain, t.username, t.password)),
        this.settings.ONVIF_TIMEOUT_MS * 2,
      );
    } catch (err) {
      throw new BadRequestException(
        `snapshot failed: ${redactCredentials((err as Error).message, [t.password])}`,
      );
    }
  }
}

/**
 * The snapshot URI's JPEG. The first request carries no credentials; they are sent only when
 * the camera challenges (401 with WWW-Authenticate: Digest where offered, Basic only if that is
 * all), and only to the host the camera is registered at. No redirects are followed, and only a
 * JPEG is accepted, so a device naming some other server gets neither a password nor a proxy.
 */
async function fetchSnapshot(
  url: string,
  camera: { xaddr: string; username: string; password: string },
  timeoutMs: number,
): Promise<Buffer> {
  const get = (authorization?: string): Promise<Response> =>
    fetch(url, {
      headers: authorization ? { authorization } : {},
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  let res = await get();
  if (res.status === 401 && camera.username && mayCarryCredentials(url, camera.xaddr)) {
    const chosen = chooseAuth(parseChallenges(res.headers.get('www-authenticate')));
    await res.arrayBuffer();
    if (chosen) {
      const target = new URL(url);
      res = await get(
        chosen.scheme === 'basic'
          ? basicAuthorization(camera.username, camera.password)
          : digestAuthorization(chosen.challenge, {
              method: 'GET',
              uri: `${target.pathname}${target.search}`,
              username: camera.username,
              password: camera.password,
            }),
      );
    }
  }
  if (!res.ok) {
    // Drained only to free the connection; the status is the error.
    await res.arrayBuffer().catch(() => undefined);
    throw new Error(`snapshot HTTP ${res.status}`);
  }
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length < 3 || body[0] !== 0xff || body[1] !== 0xd8) throw new Error('snapshot is not a JPEG');
  return body;
}
