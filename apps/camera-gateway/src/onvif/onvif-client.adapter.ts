import http from 'node:http';
import { isIP, LookupFunction } from 'node:net';
import { Injectable, Optional } from '@nestjs/common';
import { CameraNetworks, resolveCameraHost } from './camera-networks';
import { buildRequest, Credentials, OnvifRequest, serviceOf } from './soap-envelopes';
import { networkFailure, OnvifError, redactedFailure } from './onvif-error';
import { ParsedSoap, parseSoap, path, text } from './soap-response';

export interface CameraEndpoint extends Credentials {
  /** Device service address (XAddr). */
  xaddr: string;
}

export interface CallOptions {
  timeoutMs: number;
  /** Subscription address for pull point requests. */
  to?: string;
  signal?: AbortSignal;
}

interface ServiceAddresses {
  ptz?: string;
  events?: string;
}

const MAX_REPLY_BYTES = 4 * 1024 * 1024;

/**
 * The one place that speaks SOAP to cameras for the gateway's hot paths (health, PTZ, PullPoint):
 * envelopes come from soap-envelopes.ts, failures become OnvifError with a kind the callers act on.
 */
@Injectable()
export class OnvifClient {
  private readonly services = new Map<string, ServiceAddresses>();

  constructor(@Optional() private readonly networks: CameraNetworks = CameraNetworks.any()) {}

  /** One SOAP call; an OnvifError it throws never quotes the camera's password (a device may echo it). */
  async call(cam: CameraEndpoint, req: OnvifRequest, opts: CallOptions): Promise<ParsedSoap> {
    try {
      return await this.send(cam, req, opts);
    } catch (err) {
      throw redactedFailure(err, [cam.password]);
    }
  }

  private async send(cam: CameraEndpoint, req: OnvifRequest, opts: CallOptions): Promise<ParsedSoap> {
    const service = serviceOf(req);
    let url = cam.xaddr;
    if (service === 'subscription') {
      if (!opts.to) throw new Error(`${req.action} needs a subscription address`);
      url = opts.to;
    } else if (service !== 'device') {
      url = (await this.serviceAddress(cam, service, opts.timeoutMs)) ?? cam.xaddr;
    }
    const xml = buildRequest(req, cam, new Date(), service === 'subscription' ? opts.to : undefined);
    // Service and subscription addresses come from the device: they are held to CAMERA_NETWORKS too.
    const lookup = await this.pinnedLookup(url);
    const reply = await post(url, xml, opts.timeoutMs, opts.signal, lookup);
    const parsed = parseSoap(reply.body);
    if (!parsed) {
      if (reply.status === 401)
        throw new OnvifError('auth', 'camera rejected the credentials (NotAuthorized)');
      throw new OnvifError('not_onvif', `not an ONVIF device (HTTP ${reply.status})`);
    }
    if (parsed.fault) {
      const f = parsed.fault;
      const all = `${f.subcode} ${f.reason}`;
      if (/NotAuthorized/i.test(all) || reply.status === 401) {
        throw new OnvifError('auth', 'camera rejected the credentials (NotAuthorized)');
      }
      if (/ResourceUnknown/i.test(all))
        throw new OnvifError('resource_unknown', `subscription gone (${all.trim()})`);
      throw new OnvifError('fault', `camera fault: ${f.reason || f.subcode}`);
    }
    return parsed;
  }

  /** Service XAddrs from GetCapabilities, cached per device until forget(). */
  private async serviceAddress(
    cam: CameraEndpoint,
    service: 'ptz' | 'events',
    timeoutMs: number,
  ): Promise<string | undefined> {
    let known = this.services.get(cam.xaddr);
    if (!known) {
      const res = await this.call(cam, { action: 'GetCapabilities' }, { timeoutMs });
      const caps = path(res.body, 'GetCapabilitiesResponse', 'Capabilities');
      known = {
        ptz: text(path(caps, 'PTZ', 'XAddr')),
        events: text(path(caps, 'Events', 'XAddr')),
      };
      this.services.set(cam.xaddr, known);
    }
    return known[service];
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

  forget(xaddr: string): void {
    this.services.delete(xaddr);
  }
}

function post(
  url: string,
  body: string,
  timeoutMs: number,
  signal?: AbortSignal,
  lookup?: LookupFunction,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const req = http.request(
      url,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/soap+xml; charset=utf-8',
          'content-length': Buffer.byteLength(body),
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
          done(() => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })),
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
