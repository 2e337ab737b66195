import http from 'node:http';
import https from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { Injectable, Optional } from '@nestjs/common';
import { AuthChallenge, chooseAuth, digestAuthorization, parseChallenges } from '../cameras/http-auth';
import { reachableAddress } from './device-addresses';
import { CameraNetworks, resolveCameraHost } from './camera-networks';
import { actionUri, buildRequest, Credentials, OnvifRequest, serviceOf } from './soap-envelopes';
import { networkFailure, OnvifError, redactedFailure } from './onvif-error';
import { ParsedSoap, parseSoap, path, text, XmlValue } from './soap-response';

export interface CameraEndpoint extends Credentials {
  /** Device service address (XAddr), as registered. */
  xaddr: string;
  /**
   * Use the service and subscription addresses the device reports as they are. Off (the
   * default), they are moved to the registered host and port: cameras behind NAT or port
   * forwarding report their internal address.
   */
  trustDeviceAddresses?: boolean;
}

export interface CallOptions {
  timeoutMs: number;
  /** Subscription address for pull point requests (as the device reported it). */
  to?: string;
  signal?: AbortSignal;
}

/** Service addresses of one device, as the device reported them. */
export interface ServiceAddresses {
  media?: string;
  media2?: string;
  ptz?: string;
  events?: string;
}

/** What the client learnt about how one device wants to be spoken to. */
interface DeviceManner {
  /** WS-Security (the ONVIF default) or HTTP Digest (firmware that ignores WS-Security). */
  auth: 'wsse' | 'http-digest';
  /** The last Digest challenge, answered with a growing nonce count until the device refuses it. */
  challenge?: AuthChallenge;
  nc: number;
  /** Camera clock minus ours (ms): WS-Security Created is written in the camera's time. */
  clockOffsetMs: number;
}

const MAX_REPLY_BYTES = 4 * 1024 * 1024;
const ONVIF_MEDIA2 = 'http://www.onvif.org/ver20/media/wsdl';

interface Reply {
  status: number;
  body: string;
  authenticate: string | null;
}

/**
 * The one place that speaks SOAP to cameras, for registration (probe) and operation alike
 * (health, PTZ, PullPoint): envelopes come from soap-envelopes.ts (SOAP 1.2, WS-Security
 * UsernameToken digest, action URIs), replies may be SOAP 1.1 or 1.2 with any prefixes, a device
 * that challenges for HTTP Digest is answered and remembered as such, and the addresses the
 * device reports are moved to the registered host and port unless the camera is set to trust
 * them. Failures become OnvifError with a kind the callers act on.
 */
@Injectable()
export class OnvifClient {
  private readonly services = new Map<string, ServiceAddresses>();
  private readonly manners = new Map<string, DeviceManner>();

  constructor(@Optional() private readonly networks: CameraNetworks = CameraNetworks.any()) {}

  /** One SOAP call; an OnvifError it throws never quotes the camera's password (a device may echo it). */
  async call(cam: CameraEndpoint, req: OnvifRequest, opts: CallOptions): Promise<ParsedSoap> {
    try {
      return await this.send(cam, req, opts);
    } catch (err) {
      throw redactedFailure(err, [cam.password]);
    }
  }

  /** Where a device-reported address is reached: the registered host and port unless trusted. */
  reachable(cam: CameraEndpoint, reported: string): string {
    return reachableAddress(reported, cam.xaddr, cam.trustDeviceAddresses ?? false);
  }

  /** The device's service addresses (GetCapabilities, plus GetServices for Media2), cached until forget(). */
  async serviceAddresses(cam: CameraEndpoint, timeoutMs: number): Promise<ServiceAddresses> {
    const cached = this.services.get(cam.xaddr);
    if (cached) return cached;
    const res = await this.call(cam, { action: 'GetCapabilities' }, { timeoutMs });
    const caps = path(res.body, 'GetCapabilitiesResponse', 'Capabilities');
    const known: ServiceAddresses = {
      media: text(path(caps, 'Media', 'XAddr')),
      ptz: text(path(caps, 'PTZ', 'XAddr')),
      events: text(path(caps, 'Events', 'XAddr')),
    };
    // GetServices is optional (older and minimal firmware faults): then there is no Media2.
    const services = await this.call(cam, { action: 'GetServices' }, { timeoutMs }).catch((err: unknown) => {
      if (err instanceof OnvifError && (err.kind === 'fault' || err.kind === 'not_onvif')) return undefined;
      throw err;
    });
    for (const s of asList(path(services?.body, 'GetServicesResponse', 'Service'))) {
      if (text(path(s, 'Namespace')) === ONVIF_MEDIA2) known.media2 = text(path(s, 'XAddr'));
    }
    this.services.set(cam.xaddr, known);
    return known;
  }

  forget(xaddr: string): void {
    this.services.delete(xaddr);
    this.manners.delete(xaddr);
  }

  /** Reads the camera's clock (GetSystemDateAndTime, unauthenticated) so WS-Security Created matches it. */
  async syncClock(cam: CameraEndpoint, timeoutMs: number): Promise<void> {
    const before = Date.now();
    const res = await this.call(cam, { action: 'GetSystemDateAndTime' }, { timeoutMs });
    const utc = path(res.body, 'GetSystemDateAndTimeResponse', 'SystemDateAndTime', 'UTCDateTime');
    const n = (k: string, sub: string): number => Number(text(path(utc, k, sub)));
    const at = Date.UTC(
      n('Date', 'Year'),
      n('Date', 'Month') - 1,
      n('Date', 'Day'),
      n('Time', 'Hour'),
      n('Time', 'Minute'),
      n('Time', 'Second'),
    );
    // A camera without UTCDateTime (optional) or with garbage keeps our clock.
    if (!Number.isFinite(at)) return;
    const offset = at - (before + Date.now()) / 2;
    // Only a real drift matters; a second either way is the reply's own rounding.
    this.manner(cam).clockOffsetMs = Math.abs(offset) > 5_000 ? offset : 0;
  }

  private manner(cam: CameraEndpoint): DeviceManner {
    let m = this.manners.get(cam.xaddr);
    if (!m) {
      m = { auth: 'wsse', nc: 0, clockOffsetMs: 0 };
      this.manners.set(cam.xaddr, m);
    }
    return m;
  }

  private async send(cam: CameraEndpoint, req: OnvifRequest, opts: CallOptions): Promise<ParsedSoap> {
    const service = serviceOf(req);
    let url = cam.xaddr;
    if (service === 'subscription') {
      if (!opts.to) throw new Error(`${req.action} needs a subscription address`);
      url = this.reachable(cam, opts.to);
    } else if (service !== 'device') {
      const known = await this.serviceAddresses(cam, opts.timeoutMs);
      const reported = known[service];
      url = reported ? this.reachable(cam, reported) : cam.xaddr;
    }
    // Service and subscription addresses come from the device: they are held to CAMERA_NETWORKS too.
    const lookup = await this.pinnedLookup(url);
    const manner = this.manner(cam);
    const now = new Date(Date.now() + manner.clockOffsetMs);
    // wsa:To names the subscription as the device knows it, whichever address it is reached at.
    const to = service === 'subscription' ? opts.to : undefined;
    const anonymous = !cam.username || req.action === 'GetSystemDateAndTime';
    const wsse = buildRequest(req, cam, now, to);
    const plain = buildRequest(req, undefined, now, to);
    const action = actionUri(req);

    let reply: Reply;
    if (manner.auth === 'wsse' || anonymous) {
      reply = await post(url, wsse, action, opts, lookup);
      if (reply.status === 401 && !anonymous && answerableDigest(reply)) {
        // The device wants HTTP Digest, not WS-Security: answer it, and remember for next time.
        const digest = await this.withDigest(cam, url, plain, action, opts, lookup, reply);
        if (digest.status !== 401) manner.auth = 'http-digest';
        reply = digest;
      }
    } else {
      reply = manner.challenge
        ? await post(url, plain, action, opts, lookup, this.authorization(cam, url, manner.challenge))
        : await post(url, plain, action, opts, lookup);
      // A stale or first challenge: answer the fresh one once.
      if (reply.status === 401 && answerableDigest(reply))
        reply = await this.withDigest(cam, url, plain, action, opts, lookup, reply);
    }
    return interpret(reply);
  }

  private async withDigest(
    cam: CameraEndpoint,
    url: string,
    body: string,
    action: string,
    opts: CallOptions,
    lookup: LookupFunction | undefined,
    challenged: Reply,
  ): Promise<Reply> {
    const chosen = chooseAuth(parseChallenges(challenged.authenticate));
    if (chosen?.scheme !== 'digest') return challenged;
    const m = this.manner(cam);
    m.challenge = chosen.challenge;
    m.nc = 0;
    return post(url, body, action, opts, lookup, this.authorization(cam, url, chosen.challenge));
  }

  private authorization(cam: CameraEndpoint, url: string, challenge: AuthChallenge): string {
    const m = this.manner(cam);
    m.nc++;
    const target = new URL(url);
    return digestAuthorization(
      challenge,
      {
        method: 'POST',
        uri: `${target.pathname}${target.search}`,
        username: cam.username,
        password: cam.password,
      },
      undefined,
      m.nc,
    );
  }

  /** With CAMERA_NETWORKS set: the checked address the request must connect to (no second lookup). */
  private async pinnedLookup(url: string): Promise<LookupFunction | undefined> {
    if (this.networks.isAny) return undefined;
    const [address] = await resolveCameraHost(new URL(url).hostname, this.networks);
    const family = isIP(address ?? '');
    return (_host, options, callback) => {
      if (options.all) callback(null, [{ address: address, family }]);
      else callback(null, address, family);
    };
  }
}

function asList(v: XmlValue): XmlValue[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function answerableDigest(reply: Reply): boolean {
  return chooseAuth(parseChallenges(reply.authenticate))?.scheme === 'digest';
}

/** A reply → the parsed SOAP, or the OnvifError its status and fault say. */
function interpret(reply: Reply): ParsedSoap {
  const parsed = parseSoap(reply.body);
  if (!parsed) {
    if (reply.status === 401) throw new OnvifError('auth', 'camera rejected the credentials (HTTP 401)');
    throw new OnvifError('not_onvif', `not an ONVIF device (HTTP ${reply.status})`);
  }
  if (parsed.fault) {
    const f = parsed.fault;
    const all = `${f.subcode} ${f.reason}`;
    if (/NotAuthori[sz]ed/i.test(all) || reply.status === 401) {
      throw new OnvifError('auth', 'camera rejected the credentials (NotAuthorized)');
    }
    if (/ResourceUnknown/i.test(all))
      throw new OnvifError('resource_unknown', `subscription gone (${all.trim()})`);
    if (/ActionNotSupported|NotImplemented/i.test(all))
      throw new OnvifError('fault', `camera does not support this (${(f.subcode || f.reason).trim()})`);
    throw new OnvifError('fault', `camera fault: ${f.reason || f.subcode}`);
  }
  return parsed;
}

function post(
  url: string,
  body: string,
  action: string,
  opts: CallOptions,
  lookup?: LookupFunction,
  authorization?: string,
): Promise<Reply> {
  const { timeoutMs, signal } = opts;
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const client = url.startsWith('https:') ? https : http;
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: {
          // SOAP 1.2 carries the action in the media type (ONVIF Core 5.1.1).
          'content-type': `application/soap+xml; charset=utf-8; action="${action}"`,
          'content-length': Buffer.byteLength(body),
          ...(authorization ? { authorization } : {}),
        },
        signal,
        ...(lookup ? { lookup } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_REPLY_BYTES) {
            req.destroy();
            done(() => reject(new OnvifError('not_onvif', 'not an ONVIF device (reply too large)')));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          done(() =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString('utf8'),
              authenticate: headerText(res.headers['www-authenticate']),
            }),
          ),
        );
        res.on('error', (e) => done(() => reject(networkFailure(e))));
      },
    );
    // One deadline for connect + reply: a black-holed address must fail as fast as a slow reply.
    const timer = setTimeout(() => {
      req.destroy();
      done(() => reject(new OnvifError('timeout', 'camera unreachable (timeout)')));
    }, timeoutMs);
    req.on('error', (e) => {
      if (signal?.aborted) return done(() => reject(new OnvifError('fault', 'aborted')));
      done(() => reject(networkFailure(e)));
    });
    req.end(body);
  });
}

function headerText(v: string | string[] | undefined): string | null {
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(', ') : v;
}
