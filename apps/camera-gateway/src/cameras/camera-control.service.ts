import { createHash, randomBytes } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import type { PtzCommand, PtzPresetView } from '@xueliang/contracts';
import { GATEWAY_SETTINGS, GatewaySettings } from '../gateway.config';
import { OnvifClient } from '../onvif/onvif-client.adapter';
import { OnvifRequest } from '../onvif/soap-envelopes';
import { asArray, path, text } from '../onvif/soap-response';
import { buildSnapshotArgs, withCredentials } from '../streams/ffmpeg-args';
import { FfmpegRunner } from '../streams/ffmpeg-runner.adapter';
import { CameraDirectory, CameraTarget } from './camera-directory.service';
import { CameraMedia } from './camera-media.service';

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

  /** The ONVIF snapshot URI (Basic, then Digest when challenged), else one frame from RTSP. */
  async snapshot(id: string): Promise<Buffer> {
    const t = await this.cameras.get(id);
    if (t.snapshotUri) {
      const jpeg = await fetchWithAuth(
        t.snapshotUri,
        t.username,
        t.password,
        this.settings.ONVIF_TIMEOUT_MS,
      ).catch(() => undefined);
      if (jpeg) return jpeg;
    }
    if (!t.rtspMain) throw new NotFoundException('camera has neither a snapshot URI nor an RTSP stream');
    try {
      return await this.ffmpeg.grabFrame(
        buildSnapshotArgs(withCredentials(t.rtspSub ?? t.rtspMain, t.username, t.password)),
        this.settings.ONVIF_TIMEOUT_MS * 2,
      );
    } catch (err) {
      throw new BadRequestException(`snapshot failed: ${(err as Error).message}`);
    }
  }
}

/** GET with Basic credentials, answering a Digest challenge (RFC 2617, MD5, qop=auth) if one comes. */
export async function fetchWithAuth(
  url: string,
  username: string,
  password: string,
  timeoutMs: number,
): Promise<Buffer> {
  const basic = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  let res = await fetch(url, { headers: { authorization: basic }, signal: AbortSignal.timeout(timeoutMs) });
  const challenge = res.headers.get('www-authenticate');
  if (res.status === 401 && challenge && /^Digest/i.test(challenge)) {
    await res.arrayBuffer();
    res = await fetch(url, {
      headers: { authorization: digestHeader(challenge, 'GET', new URL(url), username, password) },
      signal: AbortSignal.timeout(timeoutMs),
    });
  }
  if (!res.ok) throw new Error(`snapshot HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

export function digestHeader(
  challenge: string,
  method: string,
  url: URL,
  username: string,
  password: string,
  cnonce = randomBytes(8).toString('hex'),
): string {
  const p: Record<string, string> = {};
  for (const m of challenge.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g))
    p[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
  const uri = `${url.pathname}${url.search}`;
  const ha1 = md5(`${username}:${p.realm ?? ''}:${password}`);
  const ha2 = md5(`${method}:${uri}`);
  const qop = p.qop
    ?.split(',')
    .map((s) => s.trim())
    .includes('auth')
    ? 'auth'
    : undefined;
  const nc = '00000001';
  const response = qop
    ? md5(`${ha1}:${p.nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
    : md5(`${ha1}:${p.nonce}:${ha2}`);
  return (
    `Digest username="${username}", realm="${p.realm ?? ''}", nonce="${p.nonce ?? ''}", uri="${uri}", response="${response}"` +
    (p.algorithm ? `, algorithm=${p.algorithm}` : '') +
    (qop ? `, qop=${qop}, nc=${nc}, cnonce="${cnonce}"` : '') +
    (p.opaque ? `, opaque="${p.opaque}"` : '')
  );
}
