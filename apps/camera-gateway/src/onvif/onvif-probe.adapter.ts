import { isIP } from 'node:net';
import { Injectable, Optional } from '@nestjs/common';
import { Cam, CamProfile } from 'onvif';
import type { ProbeResult } from '@xueliang/gateway-protocol';
import { CameraNetworks, NO_ONVIF_DEVICE, resolveCameraHost } from './camera-networks';
import { networkFailure, OnvifError, redactedFailure } from './onvif-error';

/** The protocol's probe target once the gateway has resolved the password (a stored one, decrypted). */
export interface ProbeTarget {
  onvifAddress: string;
  username: string;
  password: string;
}

type Callback<T> = (err: Error | null, value?: T) => void;

function call<T>(fn: (cb: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v as T))));
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

function profileSize(p: CamProfile): ProfileSize | null {
  const enc = p.videoEncoderConfiguration as
    { encoding?: string; resolution?: { width?: number | string; height?: number | string } } | undefined;
  const token = p.$?.token ?? p.token;
  if (typeof token !== 'string' || !enc) return null;
  return {
    token,
    width: Number(enc.resolution?.width ?? 0),
    height: Number(enc.resolution?.height ?? 0),
    codec: normaliseCodec(enc.encoding),
  };
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

/**
 * Registration probe through the `onvif` package: device information, profiles, stream and
 * snapshot URIs, PTZ and events capability. Service addresses are forced to the registered
 * host and port (preserveAddress), since cameras behind NAT report their private address.
 * The address is checked against CAMERA_NETWORKS before anything connects.
 */
@Injectable()
export class OnvifProbe {
  constructor(@Optional() private readonly networks: CameraNetworks = CameraNetworks.any()) {}

  async probe(target: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
    const url = new URL(target.onvifAddress);
    let hostname = url.hostname;
    try {
      if (!this.networks.isAny) {
        // Connect to the address that was checked (IPv4; an IPv6 literal is checked as written).
        const [first] = await resolveCameraHost(url.hostname, this.networks);
        if (first && isIP(first) === 4) hostname = first;
      }
    } catch (err) {
      throw redactedFailure(err, [target.password]);
    }
    const cam = new Cam({
      hostname,
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      path: url.pathname,
      username: target.username,
      password: target.password,
      timeout: timeoutMs,
      useSecure: url.protocol === 'https:',
      autoconnect: false,
      preserveAddress: true,
    });
    try {
      await withDeadline(
        call<void>((cb) => cam.connect((err) => cb(err ?? null))),
        timeoutMs * 3,
      ).catch((err: unknown) => {
        throw connectFailure(err);
      });
      const info = await call<Record<string, unknown>>((cb) => cam.getDeviceInformation((e, v) => cb(e, v)));
      const sizes = (cam.profiles ?? []).map(profileSize).filter((p): p is ProfileSize => p !== null);
      const picked = pickProfiles(sizes);
      if (!picked) throw new OnvifError('fault', 'camera has no media profiles');
      const streamUri = (token: string): Promise<string> =>
        call<{ uri: string }>((cb) =>
          cam.getStreamUri({ protocol: 'RTSP', profileToken: token }, (e, v) => cb(e, v)),
        ).then((r) => r.uri);
      const main = {
        profileToken: picked.main.token,
        rtspUri: await streamUri(picked.main.token),
        ...size(picked.main),
      };
      const sub = picked.sub
        ? { profileToken: picked.sub.token, rtspUri: await streamUri(picked.sub.token), ...size(picked.sub) }
        : null;
      const snapshotUri = await call<{ uri: string }>((cb) =>
        cam.getSnapshotUri({ profileToken: picked.main.token }, (e, v) => cb(e, v)),
      )
        .then((r) => r.uri)
        .catch(() => null);
      // Streams are pulled from where the device says, with its credentials: those hosts must be
      // inside CAMERA_NETWORKS too, or the gateway would connect out of them later.
      for (const uri of [main.rtspUri, sub?.rtspUri]) if (uri) await this.assertInside(uri);
      const str = (k: string): string | null => (typeof info[k] === 'string' ? info[k] : null);
      return {
        manufacturer: str('manufacturer'),
        model: str('model'),
        serialNumber: str('serialNumber'),
        firmware: str('firmwareVersion'),
        main,
        sub,
        snapshotUri,
        videoCodec: picked.main.codec,
        ptz: Boolean(cam.uri?.ptz ?? cam.uri?.PTZ),
        events: Boolean(cam.uri?.events),
      };
    } catch (err) {
      // The onvif package's messages may quote requests or replies: never the password.
      throw redactedFailure(classifyProbeError(err), [target.password]);
    }
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

function size(p: ProfileSize): { width: number; height: number; codec: string | null } {
  return { width: p.width, height: p.height, codec: p.codec };
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new OnvifError('timeout', 'camera unreachable (timeout)')), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
