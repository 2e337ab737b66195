import {
  PROFILES,
  PTZ_CONFIG_TOKEN,
  PTZ_NODE_TOKEN,
  SimCamera,
  StreamProfile,
  VIDEO_SOURCE_CONFIG_TOKEN,
} from './camera';
import { digestChallenge, NonceBook, verifyAuthorization } from './digest';
import { MAX_PULL_WAIT_MS, notificationXml, TOPICS } from './events';
import { PtzVector } from './ptz';
import {
  attrOf,
  child,
  extractUsernameToken,
  FAULTS,
  faultStatus,
  isoTime,
  parseDurationMs,
  ParsedRequest,
  parseSoapRequest,
  SoapFault,
  soapEnvelope,
  soapFault,
  SoapParseError,
  textOf,
  verifyUsernameToken,
  XmlValue,
  xmlEscape,
} from './soap';

/** The HTTP exchange as the service sees it: aborted when the client hangs up before the reply. */
export interface Exchange {
  signal: AbortSignal;
}

export interface SoapReply {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** Camera clocks are loose: accept Created up to five minutes either side. */
const CLOCK_SKEW_MS = 5 * 60_000;
const DEFAULT_SUBSCRIPTION_MS = 60_000;
const MAX_SUBSCRIPTION_MS = 60 * 60_000;

class Fault extends Error {
  constructor(readonly fault: SoapFault) {
    super(fault.reason);
  }
}

const ok = (body: string): SoapReply => ({ status: 200, body: soapEnvelope(body) });

function faultReply(f: SoapFault, headers?: Record<string, string>): SoapReply {
  return { status: faultStatus(f), body: soapFault(f), headers };
}

const PT_SPACE = 'http://www.onvif.org/ver10/tptz/PanTiltSpaces';
const Z_SPACE = 'http://www.onvif.org/ver10/tptz/ZoomSpaces';

function num(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Reads <PanTilt x y/><Zoom x/> from a Velocity/Position/Translation/Speed element. */
function vector(el: XmlValue | undefined): Partial<PtzVector> {
  const pt = child(el, 'PanTilt');
  const z = child(el, 'Zoom');
  return { x: num(attrOf(pt, 'x')), y: num(attrOf(pt, 'y')), zoom: num(attrOf(z, 'x')) };
}

function ptzVectorXml(tag: string, p: PtzVector, kind: 'Position' | 'Translation' | 'Speed'): string {
  const ptSpace = kind === 'Speed' ? `${PT_SPACE}/GenericSpeedSpace` : `${PT_SPACE}/${kind}GenericSpace`;
  const zSpace = kind === 'Speed' ? `${Z_SPACE}/ZoomGenericSpeedSpace` : `${Z_SPACE}/${kind}GenericSpace`;
  return (
    `<${tag}><tt:PanTilt x="${p.x.toFixed(4)}" y="${p.y.toFixed(4)}" space="${ptSpace}"/>` +
    `<tt:Zoom x="${p.zoom.toFixed(4)}" space="${zSpace}"/></${tag}>`
  );
}

/**
 * The ONVIF device, media, PTZ and event services of one camera. Routing is by the Body's first
 * element (node-onvif sends no SOAP action), with the path deciding the few names that several
 * services share (GetServiceCapabilities) and which pull point a PullMessages is for.
 */
export class OnvifService {
  private readonly httpNonces = new NonceBook();

  constructor(private readonly cam: SimCamera) {}

  async handle(
    path: string,
    xml: string,
    authorization: string | undefined,
    exchange: Exchange,
  ): Promise<SoapReply> {
    let req: ParsedRequest;
    try {
      req = parseSoapRequest(xml);
    } catch (e) {
      const msg = e instanceof SoapParseError ? e.message : 'unparseable request';
      return faultReply(FAULTS.wellFormed(msg));
    }
    if (req.action !== 'GetSystemDateAndTime') {
      const denied = this.authenticate(req, authorization);
      if (denied) return denied;
    }
    try {
      return await this.dispatch(path, req, exchange);
    } catch (e) {
      if (e instanceof Fault) return faultReply(e.fault);
      return faultReply({
        code: 'env:Receiver',
        subcode: 'ter:Action',
        reason: 'Internal error',
        detail: e instanceof Error ? e.message : String(e),
      });
    }
  }

  /** WS-Security UsernameToken first (what ONVIF clients send); HTTP Digest as the fallback. */
  private authenticate(req: ParsedRequest, authorization: string | undefined): SoapReply | undefined {
    const token = extractUsernameToken(req.header);
    if (token) {
      const verdict = verifyUsernameToken(token, {
        username: this.cam.username,
        password: this.cam.password,
        now: Date.now(),
        skewMs: CLOCK_SKEW_MS,
        rememberNonce: (k) => this.cam.rememberNonce(k),
      });
      return verdict === 'ok' ? undefined : faultReply(FAULTS.notAuthorized());
    }
    const verdict = verifyAuthorization(authorization, {
      method: 'POST',
      username: this.cam.username,
      password: this.cam.password,
      isKnownNonce: (n) => this.httpNonces.has(n),
    });
    if (verdict === 'ok') return undefined;
    // No usable credentials at all: challenge for Digest like a camera does (ONVIF Core 5.9.1).
    return {
      status: 401,
      body: soapFault(FAULTS.notAuthorized()),
      headers: { 'WWW-Authenticate': digestChallenge(this.httpNonces.issue(), undefined, true) },
    };
  }

  private async dispatch(path: string, req: ParsedRequest, exchange: Exchange): Promise<SoapReply> {
    const b = req.body;
    const service = /\/onvif\/(\w+?)(?:_service)?(?:\/|$)/.exec(path)?.[1] ?? 'device';
    const pullpoint = /\/onvif\/events\/pullpoint\/([\w-]+)/.exec(path)?.[1];
    switch (req.action) {
      // ---- Device
      case 'GetSystemDateAndTime':
        return ok(this.systemDateAndTime());
      case 'GetDeviceInformation': {
        const i = this.cam.identity;
        return ok(
          `<tds:GetDeviceInformationResponse><tds:Manufacturer>${i.manufacturer}</tds:Manufacturer>` +
            `<tds:Model>${i.model}</tds:Model><tds:FirmwareVersion>${i.firmwareVersion}</tds:FirmwareVersion>` +
            `<tds:SerialNumber>${i.serialNumber}</tds:SerialNumber><tds:HardwareId>${i.hardwareId}</tds:HardwareId>` +
            `</tds:GetDeviceInformationResponse>`,
        );
      }
      case 'GetCapabilities':
        return ok(this.capabilities(textOf(child(b, 'Category')) ?? 'All'));
      case 'GetServices':
        return ok(this.services(textOf(child(b, 'IncludeCapability')) === 'true'));
      case 'GetServiceCapabilities':
        return ok(this.serviceCapabilities(pullpoint ? 'events' : service));
      case 'GetScopes':
        return ok(
          `<tds:GetScopesResponse>${this.cam
            .scopes()
            .map(
              (s) =>
                `<tds:Scopes><tt:ScopeDef>Fixed</tt:ScopeDef><tt:ScopeItem>${xmlEscape(s)}</tt:ScopeItem></tds:Scopes>`,
            )
            .join('')}</tds:GetScopesResponse>`,
        );
      case 'GetHostname':
        return ok(
          `<tds:GetHostnameResponse><tds:HostnameInformation><tt:FromDHCP>false</tt:FromDHCP>` +
            `<tt:Name>${this.cam.id}</tt:Name></tds:HostnameInformation></tds:GetHostnameResponse>`,
        );
      case 'GetNetworkInterfaces':
        return ok(
          `<tds:GetNetworkInterfacesResponse><tds:NetworkInterfaces token="eth0"><tt:Enabled>true</tt:Enabled>` +
            `<tt:Info><tt:Name>eth0</tt:Name><tt:HwAddress>${this.cam.identity.hardwareId}</tt:HwAddress><tt:MTU>1500</tt:MTU></tt:Info>` +
            `</tds:NetworkInterfaces></tds:GetNetworkInterfacesResponse>`,
        );
      // ---- Media
      case 'GetProfiles':
        return ok(
          `<trt:GetProfilesResponse>${Object.values(PROFILES)
            .map((p) => this.profileXml('trt:Profiles', p))
            .join('')}</trt:GetProfilesResponse>`,
        );
      case 'GetProfile':
        return ok(
          `<trt:GetProfileResponse>${this.profileXml('trt:Profile', this.profile(b))}</trt:GetProfileResponse>`,
        );
      case 'GetVideoSources':
        return ok(
          `<trt:GetVideoSourcesResponse><trt:VideoSources token="VideoSource_1"><tt:Framerate>${PROFILES.main.fps}</tt:Framerate>` +
            `<tt:Resolution><tt:Width>${PROFILES.main.width}</tt:Width><tt:Height>${PROFILES.main.height}</tt:Height></tt:Resolution>` +
            `</trt:VideoSources></trt:GetVideoSourcesResponse>`,
        );
      case 'GetVideoSourceConfigurations':
        return ok(
          `<trt:GetVideoSourceConfigurationsResponse>${this.videoSourceConfig('trt:Configurations')}</trt:GetVideoSourceConfigurationsResponse>`,
        );
      case 'GetVideoEncoderConfigurations':
        return ok(
          `<trt:GetVideoEncoderConfigurationsResponse>${Object.values(PROFILES)
            .map((p) => this.encoderConfig('trt:Configurations', p))
            .join('')}</trt:GetVideoEncoderConfigurationsResponse>`,
        );
      case 'GetStreamUri': {
        const p = this.profile(b);
        // Real cameras hand out the RTSP URI whatever transport was asked for; clients pick TCP/UDP in SETUP.
        return ok(
          `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>${xmlEscape(this.cam.rtspUrl(p.kind))}</tt:Uri>` +
            `<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot>` +
            `<tt:Timeout>PT60S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>`,
        );
      }
      case 'GetSnapshotUri': {
        const p = this.profile(b);
        return ok(
          `<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>${xmlEscape(this.cam.snapshotUrl(p.kind))}</tt:Uri>` +
            `<tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot>` +
            `<tt:Timeout>PT60S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>`,
        );
      }
      // ---- Events
      case 'GetEventProperties':
        return ok(this.eventProperties());
      case 'CreatePullPointSubscription': {
        const now = Date.now();
        const ms = this.terminationMs(textOf(child(b, 'InitialTerminationTime')), now);
        const sub = this.cam.events.create(now + ms);
        return ok(
          `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference>` +
            `<wsa:Address>${this.cam.subscriptionUrl(sub.id)}</wsa:Address></tev:SubscriptionReference>` +
            `<wsnt:CurrentTime>${isoTime(now)}</wsnt:CurrentTime><wsnt:TerminationTime>${isoTime(sub.terminationTime)}</wsnt:TerminationTime>` +
            `</tev:CreatePullPointSubscriptionResponse>`,
        );
      }
      case 'PullMessages': {
        const sub = pullpoint ? this.cam.events.get(pullpoint) : undefined;
        if (!sub) throw new Fault(FAULTS.resourceUnknown());
        const waitMs = parseDurationMs(textOf(child(b, 'Timeout'))) ?? 10_000;
        const limit = num(textOf(child(b, 'MessageLimit'))) ?? 10;
        // A client that hangs up mid-poll releases the wait without taking queued messages.
        const events = await sub.pull(limit, Math.min(waitMs, MAX_PULL_WAIT_MS), exchange.signal);
        if (exchange.signal.aborted) return { status: 499, body: '' };
        const now = Date.now();
        const producer = this.cam.serviceUrl('events');
        return ok(
          `<tev:PullMessagesResponse><tev:CurrentTime>${isoTime(now)}</tev:CurrentTime>` +
            `<tev:TerminationTime>${isoTime(sub.terminationTime)}</tev:TerminationTime>` +
            events.map((e) => notificationXml(e, producer)).join('') +
            `</tev:PullMessagesResponse>`,
        );
      }
      case 'Renew': {
        const sub = pullpoint ? this.cam.events.get(pullpoint) : undefined;
        if (!sub) throw new Fault(FAULTS.resourceUnknown());
        const now = Date.now();
        sub.terminationTime = now + this.terminationMs(textOf(child(b, 'TerminationTime')), now);
        return ok(
          `<wsnt:RenewResponse><wsnt:TerminationTime>${isoTime(sub.terminationTime)}</wsnt:TerminationTime>` +
            `<wsnt:CurrentTime>${isoTime(now)}</wsnt:CurrentTime></wsnt:RenewResponse>`,
        );
      }
      case 'Unsubscribe': {
        if (!pullpoint || !this.cam.events.remove(pullpoint)) throw new Fault(FAULTS.resourceUnknown());
        return ok(`<wsnt:UnsubscribeResponse/>`);
      }
      case 'SetSynchronizationPoint':
        return ok(`<tev:SetSynchronizationPointResponse/>`);
      // ---- PTZ
      case 'GetNodes':
        this.ptz();
        return ok(`<tptz:GetNodesResponse>${this.ptzNode('tptz:PTZNode')}</tptz:GetNodesResponse>`);
      case 'GetNode':
        this.ptz();
        return ok(`<tptz:GetNodeResponse>${this.ptzNode('tptz:PTZNode')}</tptz:GetNodeResponse>`);
      case 'GetConfigurations':
        this.ptz();
        return ok(
          `<tptz:GetConfigurationsResponse>${this.ptzConfig('tptz:PTZConfiguration')}</tptz:GetConfigurationsResponse>`,
        );
      case 'GetConfiguration':
        this.ptz();
        return ok(
          `<tptz:GetConfigurationResponse>${this.ptzConfig('tptz:PTZConfiguration')}</tptz:GetConfigurationResponse>`,
        );
      case 'GetConfigurationOptions':
        this.ptz();
        return ok(
          `<tptz:GetConfigurationOptionsResponse><tptz:PTZConfigurationOptions><tt:Spaces>${this.ptzSpaces()}</tt:Spaces>` +
            `<tt:PTZTimeout><tt:Min>PT1S</tt:Min><tt:Max>PT10M</tt:Max></tt:PTZTimeout></tptz:PTZConfigurationOptions>` +
            `</tptz:GetConfigurationOptionsResponse>`,
        );
      case 'ContinuousMove': {
        const ptz = this.ptz();
        this.profile(b);
        ptz.continuousMove(vector(child(b, 'Velocity')), parseDurationMs(textOf(child(b, 'Timeout'))));
        return ok(`<tptz:ContinuousMoveResponse/>`);
      }
      case 'Stop': {
        const ptz = this.ptz();
        this.profile(b);
        const pt = textOf(child(b, 'PanTilt'));
        const z = textOf(child(b, 'Zoom'));
        // Both flags absent means stop everything (ONVIF PTZ spec 5.3.5).
        ptz.stop(
          pt === undefined && z === undefined ? true : pt === 'true',
          pt === undefined && z === undefined ? true : z === 'true',
        );
        return ok(`<tptz:StopResponse/>`);
      }
      case 'AbsoluteMove': {
        const ptz = this.ptz();
        this.profile(b);
        ptz.absoluteMove(vector(child(b, 'Position')), vector(child(b, 'Speed')));
        return ok(`<tptz:AbsoluteMoveResponse/>`);
      }
      case 'RelativeMove': {
        const ptz = this.ptz();
        this.profile(b);
        ptz.relativeMove(vector(child(b, 'Translation')), vector(child(b, 'Speed')));
        return ok(`<tptz:RelativeMoveResponse/>`);
      }
      case 'GetStatus': {
        const ptz = this.ptz();
        this.profile(b);
        const s = ptz.snapshot();
        return ok(
          `<tptz:GetStatusResponse><tptz:PTZStatus>${ptzVectorXml('tt:Position', s.position, 'Position')}` +
            `<tt:MoveStatus><tt:PanTilt>${s.moving.panTilt ? 'MOVING' : 'IDLE'}</tt:PanTilt>` +
            `<tt:Zoom>${s.moving.zoom ? 'MOVING' : 'IDLE'}</tt:Zoom></tt:MoveStatus>` +
            `<tt:UtcTime>${isoTime(Date.now())}</tt:UtcTime></tptz:PTZStatus></tptz:GetStatusResponse>`,
        );
      }
      case 'GetPresets': {
        const ptz = this.ptz();
        this.profile(b);
        return ok(
          `<tptz:GetPresetsResponse>${ptz
            .listPresets()
            .map(
              (p) =>
                `<tptz:Preset token="${xmlEscape(p.token)}"><tt:Name>${xmlEscape(p.name)}</tt:Name>` +
                `${ptzVectorXml('tt:PTZPosition', p.position, 'Position')}</tptz:Preset>`,
            )
            .join('')}</tptz:GetPresetsResponse>`,
        );
      }
      case 'SetPreset': {
        const ptz = this.ptz();
        this.profile(b);
        const name = textOf(child(b, 'PresetName'));
        const token = textOf(child(b, 'PresetToken')) || undefined;
        if (name && ptz.listPresets().some((p) => p.name === name && p.token !== token)) {
          throw new Fault({
            code: 'env:Sender',
            subcode: 'ter:PresetExist',
            reason: 'Preset name already exists',
          });
        }
        let preset;
        try {
          preset = ptz.setPreset(name, token);
        } catch {
          throw new Fault({
            code: 'env:Receiver',
            subcode: 'ter:TooManyPresets',
            reason: 'Maximum number of presets reached',
          });
        }
        return ok(
          `<tptz:SetPresetResponse><tptz:PresetToken>${xmlEscape(preset.token)}</tptz:PresetToken></tptz:SetPresetResponse>`,
        );
      }
      case 'RemovePreset': {
        const ptz = this.ptz();
        this.profile(b);
        if (!ptz.removePreset(textOf(child(b, 'PresetToken')) ?? '')) {
          throw new Fault({
            code: 'env:Sender',
            subcode: 'ter:NoToken',
            reason: 'Preset token does not exist',
          });
        }
        return ok(`<tptz:RemovePresetResponse/>`);
      }
      case 'GotoPreset': {
        const ptz = this.ptz();
        this.profile(b);
        if (!ptz.gotoPreset(textOf(child(b, 'PresetToken')) ?? '', vector(child(b, 'Speed')))) {
          throw new Fault({
            code: 'env:Sender',
            subcode: 'ter:NoToken',
            reason: 'Preset token does not exist',
          });
        }
        return ok(`<tptz:GotoPresetResponse/>`);
      }
      case 'GotoHomePosition': {
        this.ptz().absoluteMove({ x: 0, y: 0, zoom: 0 }, vector(child(b, 'Speed')));
        return ok(`<tptz:GotoHomePositionResponse/>`);
      }
      default:
        throw new Fault(FAULTS.actionNotSupported(req.action));
    }
  }

  private ptz() {
    if (!this.cam.ptz) {
      throw new Fault({
        code: 'env:Receiver',
        subcode: 'ter:ActionNotSupported',
        reason: 'PTZ is not supported',
        detail: 'ter:PTZNotSupported',
      });
    }
    return this.cam.ptz;
  }

  private profile(b: XmlValue): StreamProfile {
    const token = textOf(child(b, 'ProfileToken'));
    const p = Object.values(PROFILES).find((x) => x.token === token);
    if (!p) throw new Fault(FAULTS.noProfile(token ?? ''));
    return p;
  }

  private terminationMs(value: string | undefined, now: number): number {
    const ms = parseDurationMs(value, now);
    if (ms === undefined) return DEFAULT_SUBSCRIPTION_MS;
    if (ms <= 0) throw new Fault(FAULTS.invalidArg('termination time in the past'));
    return Math.min(ms, MAX_SUBSCRIPTION_MS);
  }

  private systemDateAndTime(): string {
    const d = new Date();
    const local = new Date(d.getTime() + 8 * 3600_000); // Cameras in China run on CST-8.
    const dt = (x: Date, tag: string): string =>
      `<tt:${tag}><tt:Time><tt:Hour>${x.getUTCHours()}</tt:Hour><tt:Minute>${x.getUTCMinutes()}</tt:Minute>` +
      `<tt:Second>${x.getUTCSeconds()}</tt:Second></tt:Time><tt:Date><tt:Year>${x.getUTCFullYear()}</tt:Year>` +
      `<tt:Month>${x.getUTCMonth() + 1}</tt:Month><tt:Day>${x.getUTCDate()}</tt:Day></tt:Date></tt:${tag}>`;
    return (
      `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>` +
      `<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>CST-8:00:00</tt:TZ></tt:TimeZone>` +
      dt(d, 'UTCDateTime') +
      dt(local, 'LocalDateTime') +
      `</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`
    );
  }

  private capabilities(category: string): string {
    const c = this.cam;
    const want = (k: string): boolean => category === 'All' || category === k;
    let x = '';
    if (want('Device')) {
      x +=
        `<tt:Device><tt:XAddr>${c.serviceUrl('device')}</tt:XAddr>` +
        `<tt:Network><tt:IPFilter>false</tt:IPFilter><tt:ZeroConfiguration>false</tt:ZeroConfiguration>` +
        `<tt:IPVersion6>false</tt:IPVersion6><tt:DynDNS>false</tt:DynDNS></tt:Network>` +
        `<tt:System><tt:DiscoveryResolve>false</tt:DiscoveryResolve><tt:DiscoveryBye>true</tt:DiscoveryBye>` +
        `<tt:RemoteDiscovery>false</tt:RemoteDiscovery><tt:SystemBackup>false</tt:SystemBackup>` +
        `<tt:SystemLogging>false</tt:SystemLogging><tt:FirmwareUpgrade>false</tt:FirmwareUpgrade>` +
        `<tt:SupportedVersions><tt:Major>2</tt:Major><tt:Minor>60</tt:Minor></tt:SupportedVersions></tt:System>` +
        `<tt:IO><tt:InputConnectors>1</tt:InputConnectors><tt:RelayOutputs>0</tt:RelayOutputs></tt:IO>` +
        `<tt:Security><tt:TLS1.1>false</tt:TLS1.1><tt:TLS1.2>false</tt:TLS1.2><tt:OnboardKeyGeneration>false</tt:OnboardKeyGeneration>` +
        `<tt:AccessPolicyConfig>false</tt:AccessPolicyConfig><tt:X.509Token>false</tt:X.509Token>` +
        `<tt:SAMLToken>false</tt:SAMLToken><tt:KerberosToken>false</tt:KerberosToken><tt:RELToken>false</tt:RELToken></tt:Security>` +
        `</tt:Device>`;
    }
    if (want('Events')) {
      x +=
        `<tt:Events><tt:XAddr>${c.serviceUrl('events')}</tt:XAddr><tt:WSSubscriptionPolicySupport>false</tt:WSSubscriptionPolicySupport>` +
        `<tt:WSPullPointSupport>true</tt:WSPullPointSupport>` +
        `<tt:WSPausableSubscriptionManagerInterfaceSupport>false</tt:WSPausableSubscriptionManagerInterfaceSupport></tt:Events>`;
    }
    if (want('Media')) {
      x +=
        `<tt:Media><tt:XAddr>${c.serviceUrl('media')}</tt:XAddr><tt:StreamingCapabilities>` +
        `<tt:RTPMulticast>false</tt:RTPMulticast><tt:RTP_TCP>true</tt:RTP_TCP><tt:RTP_RTSP_TCP>true</tt:RTP_RTSP_TCP>` +
        `</tt:StreamingCapabilities></tt:Media>`;
    }
    if (want('PTZ') && c.ptz) x += `<tt:PTZ><tt:XAddr>${c.serviceUrl('ptz')}</tt:XAddr></tt:PTZ>`;
    if (!x)
      throw new Fault({ code: 'env:Receiver', subcode: 'ter:ActionNotSupported', reason: 'NoSuchService' });
    return `<tds:GetCapabilitiesResponse><tds:Capabilities>${x}</tds:Capabilities></tds:GetCapabilitiesResponse>`;
  }

  private serviceCapabilities(service: string): string {
    switch (service) {
      case 'media':
        return (
          `<trt:GetServiceCapabilitiesResponse><trt:Capabilities SnapshotUri="true" Rotation="false" VideoSourceMode="false" OSD="false">` +
          `<trt:ProfileCapabilities MaximumNumberOfProfiles="2"/>` +
          `<trt:StreamingCapabilities RTPMulticast="false" RTP_TCP="true" RTP_RTSP_TCP="true" NonAggregateControl="false"/>` +
          `</trt:Capabilities></trt:GetServiceCapabilitiesResponse>`
        );
      case 'ptz':
        this.ptz();
        return `<tptz:GetServiceCapabilitiesResponse><tptz:Capabilities EFlip="false" Reverse="false" GetCompatibleConfigurations="false" MoveStatus="true" StatusPosition="true"/></tptz:GetServiceCapabilitiesResponse>`;
      case 'events':
      case 'pullpoint':
        return (
          `<tev:GetServiceCapabilitiesResponse><tev:Capabilities WSSubscriptionPolicySupport="false" WSPullPointSupport="true" ` +
          `WSPausableSubscriptionManagerInterfaceSupport="false" MaxNotificationProducers="0" MaxPullPoints="10" ` +
          `PersistentNotificationStorage="false"/></tev:GetServiceCapabilitiesResponse>`
        );
      default:
        return (
          `<tds:GetServiceCapabilitiesResponse><tds:Capabilities>` +
          `<tds:Network IPFilter="false" ZeroConfiguration="false" IPVersion6="false" DynDNS="false" NTP="1" HostnameFromDHCP="false"/>` +
          `<tds:Security TLS1.0="false" TLS1.1="false" TLS1.2="false" OnboardKeyGeneration="false" AccessPolicyConfig="false" ` +
          `DefaultAccessPolicy="false" Dot1X="false" RemoteUserHandling="false" X.509Token="false" SAMLToken="false" ` +
          `KerberosToken="false" UsernameToken="true" HttpDigest="true" RELToken="false"/>` +
          `<tds:System DiscoveryResolve="false" DiscoveryBye="true" RemoteDiscovery="false" SystemBackup="false" ` +
          `SystemLogging="false" FirmwareUpgrade="false" HttpFirmwareUpgrade="false" HttpSystemBackup="false" ` +
          `HttpSystemLogging="false" HttpSupportInformation="false"/>` +
          `</tds:Capabilities></tds:GetServiceCapabilitiesResponse>`
        );
    }
  }

  private services(includeCapability: boolean): string {
    const c = this.cam;
    const svc = (ns: string, url: string, capsOf: string, major: number, minor: number): string => {
      let caps = '';
      if (includeCapability) {
        // The service's own GetServiceCapabilities body, re-wrapped as GetServices expects.
        const inner = /<(\w+):Capabilities\b[\s\S]*<\/\1:Capabilities>|<(\w+):Capabilities\b[^>]*\/>/.exec(
          this.serviceCapabilities(capsOf),
        )?.[0];
        caps = inner ? `<tds:Capabilities>${inner}</tds:Capabilities>` : '';
      }
      return (
        `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${url}</tds:XAddr>${caps}` +
        `<tds:Version><tt:Major>${major}</tt:Major><tt:Minor>${minor}</tt:Minor></tds:Version></tds:Service>`
      );
    };
    return (
      `<tds:GetServicesResponse>` +
      svc('http://www.onvif.org/ver10/device/wsdl', c.serviceUrl('device'), 'device', 2, 60) +
      svc('http://www.onvif.org/ver10/media/wsdl', c.serviceUrl('media'), 'media', 2, 60) +
      svc('http://www.onvif.org/ver10/events/wsdl', c.serviceUrl('events'), 'events', 2, 60) +
      (c.ptz ? svc('http://www.onvif.org/ver20/ptz/wsdl', c.serviceUrl('ptz'), 'ptz', 2, 60) : '') +
      `</tds:GetServicesResponse>`
    );
  }

  private videoSourceConfig(tag: string): string {
    return (
      `<${tag} token="${VIDEO_SOURCE_CONFIG_TOKEN}"><tt:Name>${VIDEO_SOURCE_CONFIG_TOKEN}</tt:Name><tt:UseCount>2</tt:UseCount>` +
      `<tt:SourceToken>VideoSource_1</tt:SourceToken>` +
      `<tt:Bounds x="0" y="0" width="${PROFILES.main.width}" height="${PROFILES.main.height}"/></${tag}>`
    );
  }

  private encoderConfig(tag: string, p: StreamProfile): string {
    const h265 = this.cam.identity.codec === 'h265';
    return (
      `<${tag} token="${p.encoderToken}"><tt:Name>${p.encoderToken}</tt:Name><tt:UseCount>1</tt:UseCount>` +
      `<tt:Encoding>${h265 ? 'H265' : 'H264'}</tt:Encoding>` +
      `<tt:Resolution><tt:Width>${p.width}</tt:Width><tt:Height>${p.height}</tt:Height></tt:Resolution>` +
      `<tt:Quality>4</tt:Quality><tt:RateControl><tt:FrameRateLimit>${p.fps}</tt:FrameRateLimit>` +
      `<tt:EncodingInterval>1</tt:EncodingInterval><tt:BitrateLimit>${p.bitrateKbps}</tt:BitrateLimit></tt:RateControl>` +
      (h265
        ? ''
        : `<tt:H264><tt:GovLength>${p.gop}</tt:GovLength><tt:H264Profile>Baseline</tt:H264Profile></tt:H264>`) +
      `<tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type><tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:Address>` +
      `<tt:Port>0</tt:Port><tt:TTL>0</tt:TTL><tt:AutoStart>false</tt:AutoStart></tt:Multicast>` +
      `<tt:SessionTimeout>PT60S</tt:SessionTimeout></${tag}>`
    );
  }

  private profileXml(tag: string, p: StreamProfile): string {
    return (
      `<${tag} token="${p.token}" fixed="true"><tt:Name>${p.name}</tt:Name>` +
      this.videoSourceConfig('tt:VideoSourceConfiguration') +
      this.encoderConfig('tt:VideoEncoderConfiguration', p) +
      (this.cam.ptz ? this.ptzConfig('tt:PTZConfiguration') : '') +
      `</${tag}>`
    );
  }

  private ptzConfig(tag: string): string {
    return (
      `<${tag} token="${PTZ_CONFIG_TOKEN}"><tt:Name>${PTZ_CONFIG_TOKEN}</tt:Name><tt:UseCount>2</tt:UseCount>` +
      `<tt:NodeToken>${PTZ_NODE_TOKEN}</tt:NodeToken>` +
      `<tt:DefaultAbsolutePantTiltPositionSpace>${PT_SPACE}/PositionGenericSpace</tt:DefaultAbsolutePantTiltPositionSpace>` +
      `<tt:DefaultAbsoluteZoomPositionSpace>${Z_SPACE}/PositionGenericSpace</tt:DefaultAbsoluteZoomPositionSpace>` +
      `<tt:DefaultRelativePanTiltTranslationSpace>${PT_SPACE}/TranslationGenericSpace</tt:DefaultRelativePanTiltTranslationSpace>` +
      `<tt:DefaultRelativeZoomTranslationSpace>${Z_SPACE}/TranslationGenericSpace</tt:DefaultRelativeZoomTranslationSpace>` +
      `<tt:DefaultContinuousPanTiltVelocitySpace>${PT_SPACE}/VelocityGenericSpace</tt:DefaultContinuousPanTiltVelocitySpace>` +
      `<tt:DefaultContinuousZoomVelocitySpace>${Z_SPACE}/VelocityGenericSpace</tt:DefaultContinuousZoomVelocitySpace>` +
      ptzVectorXml('tt:DefaultPTZSpeed', { x: 0.5, y: 0.5, zoom: 0.5 }, 'Speed') +
      `<tt:DefaultPTZTimeout>PT60S</tt:DefaultPTZTimeout>` +
      `<tt:PanTiltLimits><tt:Range><tt:URI>${PT_SPACE}/PositionGenericSpace</tt:URI>` +
      `<tt:XRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:XRange><tt:YRange><tt:Min>-1</tt:Min><tt:Max>1</tt:Max></tt:YRange>` +
      `</tt:Range></tt:PanTiltLimits>` +
      `<tt:ZoomLimits><tt:Range><tt:URI>${Z_SPACE}/PositionGenericSpace</tt:URI>` +
      `<tt:XRange><tt:Min>0</tt:Min><tt:Max>1</tt:Max></tt:XRange></tt:Range></tt:ZoomLimits></${tag}>`
    );
  }

  private ptzSpaces(): string {
    const range = (space: string, lo: number, hi: number, y = true): string =>
      `<tt:URI>${space}</tt:URI><tt:XRange><tt:Min>${lo}</tt:Min><tt:Max>${hi}</tt:Max></tt:XRange>` +
      (y ? `<tt:YRange><tt:Min>${lo}</tt:Min><tt:Max>${hi}</tt:Max></tt:YRange>` : '');
    return (
      `<tt:AbsolutePanTiltPositionSpace>${range(`${PT_SPACE}/PositionGenericSpace`, -1, 1)}</tt:AbsolutePanTiltPositionSpace>` +
      `<tt:AbsoluteZoomPositionSpace>${range(`${Z_SPACE}/PositionGenericSpace`, 0, 1, false)}</tt:AbsoluteZoomPositionSpace>` +
      `<tt:RelativePanTiltTranslationSpace>${range(`${PT_SPACE}/TranslationGenericSpace`, -1, 1)}</tt:RelativePanTiltTranslationSpace>` +
      `<tt:RelativeZoomTranslationSpace>${range(`${Z_SPACE}/TranslationGenericSpace`, -1, 1, false)}</tt:RelativeZoomTranslationSpace>` +
      `<tt:ContinuousPanTiltVelocitySpace>${range(`${PT_SPACE}/VelocityGenericSpace`, -1, 1)}</tt:ContinuousPanTiltVelocitySpace>` +
      `<tt:ContinuousZoomVelocitySpace>${range(`${Z_SPACE}/VelocityGenericSpace`, -1, 1, false)}</tt:ContinuousZoomVelocitySpace>` +
      `<tt:PanTiltSpeedSpace><tt:URI>${PT_SPACE}/GenericSpeedSpace</tt:URI><tt:XRange><tt:Min>0</tt:Min><tt:Max>1</tt:Max></tt:XRange></tt:PanTiltSpeedSpace>` +
      `<tt:ZoomSpeedSpace><tt:URI>${Z_SPACE}/ZoomGenericSpeedSpace</tt:URI><tt:XRange><tt:Min>0</tt:Min><tt:Max>1</tt:Max></tt:XRange></tt:ZoomSpeedSpace>`
    );
  }

  private ptzNode(tag: string): string {
    return (
      `<${tag} token="${PTZ_NODE_TOKEN}" FixedHomePosition="false" GeoMove="false"><tt:Name>${PTZ_NODE_TOKEN}</tt:Name>` +
      `<tt:SupportedPTZSpaces>${this.ptzSpaces()}</tt:SupportedPTZSpaces><tt:MaximumNumberOfPresets>128</tt:MaximumNumberOfPresets>` +
      `<tt:HomeSupported>true</tt:HomeSupported></${tag}>`
    );
  }

  private eventProperties(): string {
    const desc = (dataItem: string, extraSource = ''): string =>
      `<tt:MessageDescription IsProperty="true"><tt:Source>` +
      `<tt:SimpleItemDescription Name="VideoSourceConfigurationToken" Type="tt:ReferenceToken"/>` +
      `<tt:SimpleItemDescription Name="Rule" Type="xsd:string"/>${extraSource}</tt:Source>` +
      `<tt:Data><tt:SimpleItemDescription Name="${dataItem}" Type="xsd:boolean"/></tt:Data></tt:MessageDescription>`;
    return (
      `<tev:GetEventPropertiesResponse>` +
      `<tev:TopicNamespaceLocation>http://www.onvif.org/onvif/ver10/topics/topicns.xml</tev:TopicNamespaceLocation>` +
      `<wsnt:FixedTopicSet>true</wsnt:FixedTopicSet><wstop:TopicSet>` +
      `<tns1:RuleEngine wstop:topic="true"><CellMotionDetector wstop:topic="true"><Motion wstop:topic="true">${desc(TOPICS.motion.dataItem)}</Motion></CellMotionDetector></tns1:RuleEngine>` +
      `<tns1:VideoSource wstop:topic="true"><GlobalSceneChange wstop:topic="true"><ImagingService wstop:topic="true">${desc(TOPICS.tampering.dataItem)}</ImagingService></GlobalSceneChange></tns1:VideoSource>` +
      `<tns1:Device wstop:topic="true"><Trigger wstop:topic="true"><DigitalInput wstop:topic="true">` +
      desc(
        TOPICS.digital_input.dataItem,
        `<tt:SimpleItemDescription Name="InputToken" Type="tt:ReferenceToken"/>`,
      ) +
      `</DigitalInput></Trigger></tns1:Device>` +
      `</wstop:TopicSet>` +
      `<wsnt:TopicExpressionDialect>http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet</wsnt:TopicExpressionDialect>` +
      `<wsnt:TopicExpressionDialect>http://docs.oasis-open.org/wsn/t-1/TopicExpression/Concrete</wsnt:TopicExpressionDialect>` +
      `<tev:MessageContentFilterDialect>http://www.onvif.org/ver10/tev/messageContentFilter/ItemFilter</tev:MessageContentFilterDialect>` +
      `<tev:MessageContentSchemaLocation>http://www.onvif.org/onvif/ver10/schema/onvif.xsd</tev:MessageContentSchemaLocation>` +
      `</tev:GetEventPropertiesResponse>`
    );
  }
}
