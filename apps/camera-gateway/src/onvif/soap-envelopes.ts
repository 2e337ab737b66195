import { createHash, randomBytes } from 'node:crypto';

/**
 * SOAP requests as values: pure functions from a typed description to the XML text, so the
 * adapter only sends what it is given and the envelopes are table-tested.
 */

const NS = {
  env: 'http://www.w3.org/2003/05/soap-envelope',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  wsu: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd',
  wsa: 'http://www.w3.org/2005/08/addressing',
  tds: 'http://www.onvif.org/ver10/device/wsdl',
  trt: 'http://www.onvif.org/ver10/media/wsdl',
  tr2: 'http://www.onvif.org/ver20/media/wsdl',
  tptz: 'http://www.onvif.org/ver20/ptz/wsdl',
  tt: 'http://www.onvif.org/ver10/schema',
  tev: 'http://www.onvif.org/ver10/events/wsdl',
  wsnt: 'http://docs.oasis-open.org/wsn/b-2',
} as const;

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface Credentials {
  username: string;
  password: string;
}

/** WS-Security UsernameToken with PasswordDigest = base64(sha1(nonce + created + password)). */
export function usernameTokenHeader(
  creds: Credentials,
  createdAt: Date,
  nonce: Buffer = randomBytes(16),
): string {
  const created = createdAt.toISOString();
  const digest = createHash('sha1')
    .update(Buffer.concat([nonce, Buffer.from(created, 'utf8'), Buffer.from(creds.password, 'utf8')]))
    .digest('base64');
  return (
    `<wsse:Security env:mustUnderstand="1" xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}">` +
    `<wsse:UsernameToken><wsse:Username>${xmlEscape(creds.username)}</wsse:Username>` +
    `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce.toString('base64')}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`
  );
}

function soapEnvelope(body: string, header = ''): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<env:Envelope xmlns:env="${NS.env}" xmlns:tds="${NS.tds}" xmlns:trt="${NS.trt}" xmlns:tr2="${NS.tr2}" xmlns:tptz="${NS.tptz}" ` +
    `xmlns:tt="${NS.tt}" xmlns:tev="${NS.tev}" xmlns:wsnt="${NS.wsnt}" xmlns:wsa="${NS.wsa}">` +
    `<env:Header>${header}</env:Header><env:Body>${body}</env:Body></env:Envelope>`
  );
}

export type OnvifRequest =
  | { action: 'GetSystemDateAndTime' }
  | { action: 'GetDeviceInformation' }
  | { action: 'GetCapabilities' }
  | { action: 'GetServices' }
  | { action: 'GetProfiles' }
  | { action: 'GetStreamUri'; profileToken: string }
  | { action: 'GetSnapshotUri'; profileToken: string }
  | { action: 'Media2GetProfiles' }
  | { action: 'Media2GetStreamUri'; profileToken: string }
  | { action: 'Media2GetSnapshotUri'; profileToken: string }
  | {
      action: 'ContinuousMove';
      profileToken: string;
      pan: number;
      tilt: number;
      zoom: number;
      timeoutS?: number;
    }
  | { action: 'Stop'; profileToken: string }
  | { action: 'GotoPreset'; profileToken: string; presetToken: string }
  | { action: 'SetPreset'; profileToken: string; name: string }
  | { action: 'GetPresets'; profileToken: string }
  | { action: 'CreatePullPointSubscription'; terminationS: number }
  | { action: 'PullMessages'; timeoutS: number; limit: number }
  | { action: 'Renew'; terminationS: number }
  | { action: 'Unsubscribe' };

const num = (n: number): string => String(Math.round(n * 10_000) / 10_000);

/** The Body of one request. */
export function requestBody(r: OnvifRequest): string {
  switch (r.action) {
    case 'GetSystemDateAndTime':
      return `<tds:GetSystemDateAndTime/>`;
    case 'GetDeviceInformation':
      return `<tds:GetDeviceInformation/>`;
    case 'GetCapabilities':
      return `<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>`;
    case 'GetServices':
      return `<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>`;
    case 'GetProfiles':
      return `<trt:GetProfiles/>`;
    case 'GetStreamUri':
      return (
        `<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream>` +
        `<tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup>` +
        `<trt:ProfileToken>${xmlEscape(r.profileToken)}</trt:ProfileToken></trt:GetStreamUri>`
      );
    case 'GetSnapshotUri':
      return `<trt:GetSnapshotUri><trt:ProfileToken>${xmlEscape(r.profileToken)}</trt:ProfileToken></trt:GetSnapshotUri>`;
    case 'Media2GetProfiles':
      return `<tr2:GetProfiles><tr2:Type>VideoEncoder</tr2:Type></tr2:GetProfiles>`;
    case 'Media2GetStreamUri':
      return (
        `<tr2:GetStreamUri><tr2:Protocol>RTSP</tr2:Protocol>` +
        `<tr2:ProfileToken>${xmlEscape(r.profileToken)}</tr2:ProfileToken></tr2:GetStreamUri>`
      );
    case 'Media2GetSnapshotUri':
      return `<tr2:GetSnapshotUri><tr2:ProfileToken>${xmlEscape(r.profileToken)}</tr2:ProfileToken></tr2:GetSnapshotUri>`;
    case 'ContinuousMove':
      return (
        `<tptz:ContinuousMove><tptz:ProfileToken>${xmlEscape(r.profileToken)}</tptz:ProfileToken>` +
        `<tptz:Velocity><tt:PanTilt x="${num(r.pan)}" y="${num(r.tilt)}"/><tt:Zoom x="${num(r.zoom)}"/></tptz:Velocity>` +
        (r.timeoutS ? `<tptz:Timeout>PT${r.timeoutS}S</tptz:Timeout>` : '') +
        `</tptz:ContinuousMove>`
      );
    case 'Stop':
      return (
        `<tptz:Stop><tptz:ProfileToken>${xmlEscape(r.profileToken)}</tptz:ProfileToken>` +
        `<tptz:PanTilt>true</tptz:PanTilt><tptz:Zoom>true</tptz:Zoom></tptz:Stop>`
      );
    case 'GotoPreset':
      return (
        `<tptz:GotoPreset><tptz:ProfileToken>${xmlEscape(r.profileToken)}</tptz:ProfileToken>` +
        `<tptz:PresetToken>${xmlEscape(r.presetToken)}</tptz:PresetToken></tptz:GotoPreset>`
      );
    case 'SetPreset':
      return (
        `<tptz:SetPreset><tptz:ProfileToken>${xmlEscape(r.profileToken)}</tptz:ProfileToken>` +
        `<tptz:PresetName>${xmlEscape(r.name)}</tptz:PresetName></tptz:SetPreset>`
      );
    case 'GetPresets':
      return `<tptz:GetPresets><tptz:ProfileToken>${xmlEscape(r.profileToken)}</tptz:ProfileToken></tptz:GetPresets>`;
    case 'CreatePullPointSubscription':
      return (
        `<tev:CreatePullPointSubscription>` +
        `<tev:InitialTerminationTime>PT${r.terminationS}S</tev:InitialTerminationTime></tev:CreatePullPointSubscription>`
      );
    case 'PullMessages':
      return (
        `<tev:PullMessages><tev:Timeout>PT${r.timeoutS}S</tev:Timeout>` +
        `<tev:MessageLimit>${r.limit}</tev:MessageLimit></tev:PullMessages>`
      );
    case 'Renew':
      return `<wsnt:Renew><wsnt:TerminationTime>PT${r.terminationS}S</wsnt:TerminationTime></wsnt:Renew>`;
    case 'Unsubscribe':
      return `<wsnt:Unsubscribe/>`;
  }
}

/** GetSystemDateAndTime is the one call ONVIF lets through without credentials. */
function needsAuth(r: OnvifRequest): boolean {
  return r.action !== 'GetSystemDateAndTime';
}

/** Which service of the device a request goes to (pull point requests go to the subscription address). */
export type OnvifService = 'device' | 'media' | 'media2' | 'ptz' | 'events' | 'subscription';

export function serviceOf(r: OnvifRequest): OnvifService {
  switch (r.action) {
    case 'GetSystemDateAndTime':
    case 'GetDeviceInformation':
    case 'GetCapabilities':
    case 'GetServices':
      return 'device';
    case 'GetProfiles':
    case 'GetStreamUri':
    case 'GetSnapshotUri':
      return 'media';
    case 'Media2GetProfiles':
    case 'Media2GetStreamUri':
    case 'Media2GetSnapshotUri':
      return 'media2';
    case 'ContinuousMove':
    case 'Stop':
    case 'GotoPreset':
    case 'SetPreset':
    case 'GetPresets':
      return 'ptz';
    case 'CreatePullPointSubscription':
      return 'events';
    default:
      return 'subscription';
  }
}

/**
 * The SOAP action URI of a request (the WSDL's soapAction / wsa:Action), sent as the `action`
 * parameter of the SOAP 1.2 media type and, for the event service, as wsa:Action.
 */
export function actionUri(r: OnvifRequest): string {
  switch (r.action) {
    case 'CreatePullPointSubscription':
      return `${NS.tev}/EventPortType/CreatePullPointSubscriptionRequest`;
    case 'PullMessages':
      return `${NS.tev}/PullPointSubscription/PullMessagesRequest`;
    case 'Renew':
      return 'http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/RenewRequest';
    case 'Unsubscribe':
      return 'http://docs.oasis-open.org/wsn/bw-2/SubscriptionManager/UnsubscribeRequest';
    case 'Media2GetProfiles':
    case 'Media2GetStreamUri':
    case 'Media2GetSnapshotUri':
      return `${NS.tr2}/${r.action.slice('Media2'.length)}`;
    default: {
      const service = serviceOf(r);
      const ns = service === 'media' ? NS.trt : service === 'ptz' ? NS.tptz : NS.tds;
      return `${ns}/${r.action}`;
    }
  }
}

/** Whether a request goes to the event service or a subscription (WS-Addressing is required there). */
function isEvent(r: OnvifRequest): boolean {
  const s = serviceOf(r);
  return s === 'events' || s === 'subscription';
}

/**
 * The envelope of one request: SOAP 1.2, a WS-Security UsernameToken digest (with nonce and
 * created) unless `creds` is undefined (HTTP Digest cameras, or GetSystemDateAndTime), and
 * WS-Addressing Action/To for the event service.
 */
export function buildRequest(
  r: OnvifRequest,
  creds: Credentials | undefined,
  now: Date,
  to?: string,
): string {
  const security = creds && creds.username && needsAuth(r) ? usernameTokenHeader(creds, now) : '';
  // Pull point requests are addressed to the subscription (WS-Addressing To), as cameras expect.
  const addressing =
    (isEvent(r) ? `<wsa:Action>${actionUri(r)}</wsa:Action>` : '') +
    (to ? `<wsa:To>${xmlEscape(to)}</wsa:To>` : '');
  return soapEnvelope(requestBody(r), security + addressing);
}
