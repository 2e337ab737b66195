import { SimCamera } from '../camera';
import { child, textOf, xmlEscape } from '../soap';
import { Fault, ok, ptzOf, SoapAction, SoapReply } from './soap-action';

/** The ONVIF device service (tds); undefined for an action it does not have. */
export function deviceAction(
  action: string,
  { cam, b, service, pullpoint }: SoapAction,
): SoapReply | undefined {
  switch (action) {
    case 'GetSystemDateAndTime':
      return ok(systemDateAndTime());
    case 'GetDeviceInformation': {
      const i = cam.identity;
      return ok(
        `<tds:GetDeviceInformationResponse><tds:Manufacturer>${i.manufacturer}</tds:Manufacturer>` +
          `<tds:Model>${i.model}</tds:Model><tds:FirmwareVersion>${i.firmwareVersion}</tds:FirmwareVersion>` +
          (cam.behaviour.minimal
            ? ''
            : `<tds:SerialNumber>${i.serialNumber}</tds:SerialNumber><tds:HardwareId>${i.hardwareId}</tds:HardwareId>`) +
          `</tds:GetDeviceInformationResponse>`,
      );
    }
    case 'GetCapabilities':
      return ok(capabilities(cam, textOf(child(b, 'Category')) ?? 'All'));
    case 'GetServices':
      if (cam.behaviour.minimal) return undefined;
      return ok(services(cam, textOf(child(b, 'IncludeCapability')) === 'true'));
    case 'GetServiceCapabilities':
      return ok(serviceCapabilities(cam, pullpoint ? 'events' : service));
    case 'GetScopes':
      return ok(
        `<tds:GetScopesResponse>${cam
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
          `<tt:Name>${cam.id}</tt:Name></tds:HostnameInformation></tds:GetHostnameResponse>`,
      );
    case 'GetNetworkInterfaces':
      return ok(
        `<tds:GetNetworkInterfacesResponse><tds:NetworkInterfaces token="eth0"><tt:Enabled>true</tt:Enabled>` +
          `<tt:Info><tt:Name>eth0</tt:Name><tt:HwAddress>${cam.identity.hardwareId}</tt:HwAddress><tt:MTU>1500</tt:MTU></tt:Info>` +
          `</tds:NetworkInterfaces></tds:GetNetworkInterfacesResponse>`,
      );
    default:
      return undefined;
  }
}

function systemDateAndTime(): string {
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

function capabilities(cam: SimCamera, category: string): string {
  const c = cam;
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

export function serviceCapabilities(cam: SimCamera, service: string): string {
  switch (service) {
    case 'media':
      return (
        `<trt:GetServiceCapabilitiesResponse><trt:Capabilities SnapshotUri="true" Rotation="false" VideoSourceMode="false" OSD="false">` +
        `<trt:ProfileCapabilities MaximumNumberOfProfiles="2"/>` +
        `<trt:StreamingCapabilities RTPMulticast="false" RTP_TCP="true" RTP_RTSP_TCP="true" NonAggregateControl="false"/>` +
        `</trt:Capabilities></trt:GetServiceCapabilitiesResponse>`
      );
    case 'ptz':
      ptzOf(cam);
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

function services(cam: SimCamera, includeCapability: boolean): string {
  const c = cam;
  const svc = (ns: string, url: string, capsOf: string, major: number, minor: number): string => {
    let caps = '';
    if (includeCapability) {
      // The service's own GetServiceCapabilities body, re-wrapped as GetServices expects.
      const inner = /<(\w+):Capabilities\b[\s\S]*<\/\1:Capabilities>|<(\w+):Capabilities\b[^>]*\/>/.exec(
        serviceCapabilities(cam, capsOf),
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
    (c.behaviour.media2
      ? svc('http://www.onvif.org/ver20/media/wsdl', c.serviceUrl('media2'), 'media2', 2, 60)
      : '') +
    svc('http://www.onvif.org/ver10/events/wsdl', c.serviceUrl('events'), 'events', 2, 60) +
    (c.ptz ? svc('http://www.onvif.org/ver20/ptz/wsdl', c.serviceUrl('ptz'), 'ptz', 2, 60) : '') +
    `</tds:GetServicesResponse>`
  );
}
