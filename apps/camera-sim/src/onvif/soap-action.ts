import { PROFILES, SimCamera, StreamProfile } from '../camera';
import { child, FAULTS, faultStatus, SoapFault, soapEnvelope, soapFault, textOf, XmlValue } from '../soap';

/** The HTTP exchange as the service sees it: aborted when the client hangs up before the reply. */
export interface Exchange {
  signal: AbortSignal;
}

export interface SoapReply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** One authenticated SOAP request, as each ONVIF service's handler reads it. */
export interface SoapAction {
  cam: SimCamera;
  /** The Body's first element. */
  b: XmlValue;
  /** The service the request's path names (device when none). */
  service: string;
  /** The pull point id a PullMessages, Renew or Unsubscribe is for. */
  pullpoint: string | undefined;
  exchange: Exchange;
}

/** A SOAP fault a handler throws; the service turns it into the fault reply. */
export class Fault extends Error {
  constructor(readonly fault: SoapFault) {
    super(fault.reason);
  }
}

export const ok = (body: string): SoapReply => ({ status: 200, body: soapEnvelope(body) });

export function faultReply(f: SoapFault, headers?: Record<string, string>): SoapReply {
  return { status: faultStatus(f), body: soapFault(f), headers };
}

export function num(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** The profile a request's ProfileToken names, or the NoProfile fault. */
export function profileOf(b: XmlValue): StreamProfile {
  const token = textOf(child(b, 'ProfileToken'));
  const p = Object.values(PROFILES).find((x) => x.token === token);
  if (!p) throw new Fault(FAULTS.noProfile(token ?? ''));
  return p;
}

/** The camera's PTZ, or the fault a camera without one answers. */
export function ptzOf(cam: SimCamera): NonNullable<SimCamera['ptz']> {
  if (!cam.ptz) {
    throw new Fault({
      code: 'env:Receiver',
      subcode: 'ter:ActionNotSupported',
      reason: 'PTZ is not supported',
      detail: 'ter:PTZNotSupported',
    });
  }
  return cam.ptz;
}
