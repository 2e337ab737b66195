import { createHash } from 'node:crypto';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Prefixes as real cameras (Hikvision, Dahua, Axis firmware) declare them; both client libraries strip them. */
const NS = {
  env: 'http://www.w3.org/2003/05/soap-envelope',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xsd: 'http://www.w3.org/2001/XMLSchema',
  wsa: 'http://www.w3.org/2005/08/addressing',
  wsnt: 'http://docs.oasis-open.org/wsn/b-2',
  wstop: 'http://docs.oasis-open.org/wsn/t-1',
  wsrf: 'http://docs.oasis-open.org/wsrf/bf-2',
  tt: 'http://www.onvif.org/ver10/schema',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tr2: 'http://www.onvif.org/ver20/media/wsdl',
  tptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  tev: 'http://www.onvif.org/ver10/events/wsdl',
  timg: 'http://www.onvif.org/ver20/imaging/wsdl',
  ter: 'http://www.onvif.org/ver10/error',
  tns1: 'http://www.onvif.org/ver10/topics',
} as const;

const NS_DECLS = Object.entries(NS)
  .map(([p, uri]) => `xmlns:${p}="${uri}"`)
  .join(' ');

export function xmlEscape(value: string | number | boolean): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A SOAP 1.2 envelope with every prefix a camera response uses declared on the root. */
export function soapEnvelope(body: string, header = ''): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<env:Envelope ${NS_DECLS}>` +
    (header ? `<env:Header>${header}</env:Header>` : '') +
    `<env:Body>${body}</env:Body></env:Envelope>`
  );
}

export type FaultCode = 'env:Sender' | 'env:Receiver';

export interface SoapFault {
  code: FaultCode;
  subcode: string;
  reason: string;
  detail?: string;
}

export const FAULTS = {
  notAuthorized: (): SoapFault => ({
    code: 'env:Sender',
    subcode: 'ter:NotAuthorized',
    reason: 'Sender not Authorized',
    detail: 'The action requested requires authorization and the sender is not authorized',
  }),
  wellFormed: (detail: string): SoapFault => ({
    code: 'env:Sender',
    subcode: 'ter:WellFormed',
    reason: 'Well-formed Error',
    detail,
  }),
  actionNotSupported: (action: string): SoapFault => ({
    code: 'env:Receiver',
    subcode: 'ter:ActionNotSupported',
    reason: 'Optional Action Not Implemented',
    detail: `The requested action ${action} is not implemented by the device`,
  }),
  invalidArg: (detail: string): SoapFault => ({
    code: 'env:Sender',
    subcode: 'ter:InvalidArgVal',
    reason: 'Invalid argument value',
    detail,
  }),
  noProfile: (token: string): SoapFault => ({
    code: 'env:Sender',
    subcode: 'ter:NoProfile',
    reason: 'Profile token does not exist',
    detail: `No profile with token ${token}`,
  }),
  resourceUnknown: (): SoapFault => ({
    code: 'env:Sender',
    subcode: 'wsrf:ResourceUnknownFault',
    reason: 'Subscription does not exist or has expired',
  }),
};

/** SOAP 1.2 HTTP binding: Sender faults are 400, Receiver faults 500 (ONVIF Core 5.11.2). */
export function faultStatus(fault: SoapFault): number {
  return fault.code === 'env:Sender' ? 400 : 500;
}

export function soapFault(fault: SoapFault): string {
  return soapEnvelope(
    `<env:Fault><env:Code><env:Value>${fault.code}</env:Value>` +
      `<env:Subcode><env:Value>${fault.subcode}</env:Value></env:Subcode></env:Code>` +
      `<env:Reason><env:Text xml:lang="en">${xmlEscape(fault.reason)}</env:Text></env:Reason>` +
      (fault.detail ? `<env:Detail><env:Text>${xmlEscape(fault.detail)}</env:Text></env:Detail>` : '') +
      `</env:Fault>`,
  );
}

/** A parsed XML node: prefixes removed, attributes under '@_name', text under '#text'. */
export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const parser = new XMLParser({
  ignoreAttributes: false,
  removeNSPrefix: true,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
});

export interface ParsedRequest {
  /** Local name of the first element in the Body, e.g. GetProfiles. */
  action: string;
  body: XmlNode;
  header: XmlNode;
}

export class SoapParseError extends Error {}

export function parseSoapRequest(xml: string): ParsedRequest {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new SoapParseError(`${valid.err.msg} (line ${valid.err.line})`);
  }
  const doc = asNode(parser.parse(xml));
  const env = asNode(doc?.['Envelope']);
  if (!env) throw new SoapParseError('not a SOAP envelope');
  const bodyEl = asNode(env['Body']);
  if (!bodyEl) throw new SoapParseError('SOAP envelope without Body');
  const action = Object.keys(bodyEl).find((k) => !k.startsWith('@_') && k !== '#text');
  if (!action) throw new SoapParseError('empty SOAP Body');
  return { action, body: asNode(bodyEl[action]) ?? {}, header: asNode(env['Header']) ?? {} };
}

function asNode(v: unknown): XmlNode | undefined {
  if (Array.isArray(v)) return asNode(v[0]);
  return v !== null && typeof v === 'object' ? (v as XmlNode) : undefined;
}

/** Text content of an element that may carry attributes. */
export function textOf(v: XmlValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return textOf(v[0]);
  const t = v['#text'];
  return typeof t === 'string' ? t : t === undefined ? '' : textOf(t);
}

export function attrOf(v: XmlValue | undefined, name: string): string | undefined {
  const n = asNode(v);
  const a = n?.[`@_${name}`];
  return typeof a === 'string' ? a : undefined;
}

export function child(v: XmlValue | undefined, ...path: string[]): XmlValue | undefined {
  let cur: XmlValue | undefined = v;
  for (const p of path) {
    const n = asNode(cur);
    if (!n) return undefined;
    cur = n[p];
  }
  return cur;
}

export interface UsernameToken {
  username: string;
  password: string;
  passwordType: 'digest' | 'text';
  nonce?: string;
  created?: string;
}

export function extractUsernameToken(header: XmlNode): UsernameToken | undefined {
  const token = child(header, 'Security', 'UsernameToken');
  if (!token) return undefined;
  const username = textOf(child(token, 'Username')) ?? '';
  const pwEl = child(token, 'Password');
  const type = attrOf(pwEl, 'Type') ?? '';
  return {
    username,
    password: textOf(pwEl) ?? '',
    passwordType: type.endsWith('#PasswordText') ? 'text' : 'digest',
    nonce: textOf(child(token, 'Nonce')),
    created: textOf(child(token, 'Created')),
  };
}

/** WS-Security UsernameToken profile: Base64(SHA1(nonce-bytes + created + password)). */
export function passwordDigest(nonceBase64: string, created: string, password: string): string {
  return createHash('sha1')
    .update(
      Buffer.concat([
        Buffer.from(nonceBase64, 'base64'),
        Buffer.from(created, 'utf8'),
        Buffer.from(password, 'utf8'),
      ]),
    )
    .digest('base64');
}

export type TokenVerdict = 'ok' | 'bad-user' | 'bad-password' | 'expired' | 'replayed' | 'malformed';

export interface TokenCheckOptions {
  username: string;
  password: string;
  now: number;
  /** Allowed distance between Created and the camera clock, both ways. */
  skewMs: number;
  /** Remembers nonces; returns false when one is seen again within the window. */
  rememberNonce?: (key: string) => boolean;
}

export function verifyUsernameToken(token: UsernameToken, opts: TokenCheckOptions): TokenVerdict {
  if (token.username !== opts.username) return 'bad-user';
  if (token.passwordType === 'text') return token.password === opts.password ? 'ok' : 'bad-password';
  if (!token.nonce || !token.created) return 'malformed';
  const created = Date.parse(token.created);
  if (!Number.isFinite(created)) return 'malformed';
  if (Math.abs(opts.now - created) > opts.skewMs) return 'expired';
  if (passwordDigest(token.nonce, token.created, opts.password) !== token.password) return 'bad-password';
  if (opts.rememberNonce && !opts.rememberNonce(`${token.nonce}|${token.created}`)) return 'replayed';
  return 'ok';
}

/** ISO-8601 durations as ONVIF uses them (PT60S, PT1M30S, P1D) or an absolute xs:dateTime. */
export function parseDurationMs(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const m =
    /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
      value.trim(),
    );
  if (m && value.trim() !== 'P' && value.trim() !== 'PT') {
    const [, d, h, mi, s] = m;
    return Math.round(
      (Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(mi ?? 0) * 60 + Number(s ?? 0)) * 1000,
    );
  }
  const abs = Date.parse(value);
  return Number.isFinite(abs) ? abs - now : undefined;
}

/** Seconds precision like cameras print it; the onvif lib's date regex accepts both forms. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
