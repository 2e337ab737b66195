import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { XMLParser } from 'fast-xml-parser';
import { SimCamera } from './camera';
import { xmlEscape } from './soap';

const WSD_MULTICAST = '239.255.255.250';
const WSA_2004 = 'http://schemas.xmlsoap.org/ws/2004/08/addressing';
const WSD_NS = 'http://schemas.xmlsoap.org/ws/2005/04/discovery';

const parser = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false });

export interface ProbeRequest {
  messageId: string;
  types: string[];
  scopes: string[];
}

export function parseProbe(xml: string): ProbeRequest | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const env = doc['Envelope'] as Record<string, unknown> | undefined;
  const header = (env?.['Header'] ?? {}) as Record<string, unknown>;
  const probe = (env?.['Body'] as Record<string, unknown> | undefined)?.['Probe'];
  if (probe === undefined) return undefined;
  const p = (typeof probe === 'object' && probe ? probe : {}) as Record<string, unknown>;
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  return {
    messageId: text(header['MessageID']),
    types: text(p['Types']).split(/\s+/).filter(Boolean),
    scopes: text(p['Scopes']).split(/\s+/).filter(Boolean),
  };
}

/** Types match on local name (dn:NetworkVideoTransmitter, tds:Device); scopes by RFC 3986 prefix. */
export function probeMatches(probe: ProbeRequest, cam: SimCamera): boolean {
  const local = (t: string): string => t.split(':').pop() ?? t;
  const ours = ['NetworkVideoTransmitter', 'Device'];
  if (probe.types.length && !probe.types.every((t) => ours.includes(local(t)))) return false;
  const scopes = cam.scopes();
  return probe.scopes.every((s) =>
    scopes.some((mine) => mine === s || mine.startsWith(s.endsWith('/') ? s : `${s}/`)),
  );
}

export function probeMatchXml(cam: SimCamera, relatesTo: string, messageNumber: number): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="${WSA_2004}" ` +
    `xmlns:d="${WSD_NS}" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">` +
    `<SOAP-ENV:Header><wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID>` +
    `<wsa:RelatesTo>${xmlEscape(relatesTo)}</wsa:RelatesTo>` +
    `<wsa:To SOAP-ENV:mustUnderstand="true">${WSA_2004}/role/anonymous</wsa:To>` +
    `<wsa:Action SOAP-ENV:mustUnderstand="true">${WSD_NS}/ProbeMatches</wsa:Action>` +
    `<d:AppSequence SOAP-ENV:mustUnderstand="true" InstanceId="1" MessageNumber="${messageNumber}"/>` +
    `</SOAP-ENV:Header><SOAP-ENV:Body><d:ProbeMatches><d:ProbeMatch>` +
    `<wsa:EndpointReference><wsa:Address>urn:uuid:${cam.identity.uuid}</wsa:Address></wsa:EndpointReference>` +
    `<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>` +
    `<d:Scopes>${cam.scopes().map(xmlEscape).join(' ')}</d:Scopes>` +
    `<d:XAddrs>${cam.xaddr}</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion>` +
    `</d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}

/** Hello (camera up) or Bye (camera going away), multicast like a device announcing itself. */
export function announcementXml(cam: SimCamera, kind: 'Hello' | 'Bye', messageNumber: number): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="${WSA_2004}" ` +
    `xmlns:d="${WSD_NS}" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">` +
    `<SOAP-ENV:Header><wsa:MessageID>urn:uuid:${randomUUID()}</wsa:MessageID>` +
    `<wsa:To SOAP-ENV:mustUnderstand="true">urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>` +
    `<wsa:Action SOAP-ENV:mustUnderstand="true">${WSD_NS}/${kind}</wsa:Action>` +
    `<d:AppSequence SOAP-ENV:mustUnderstand="true" InstanceId="1" MessageNumber="${messageNumber}"/>` +
    `</SOAP-ENV:Header><SOAP-ENV:Body><d:${kind}>` +
    `<wsa:EndpointReference><wsa:Address>urn:uuid:${cam.identity.uuid}</wsa:Address></wsa:EndpointReference>` +
    (kind === 'Hello'
      ? `<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>` +
        `<d:Scopes>${cam.scopes().map(xmlEscape).join(' ')}</d:Scopes><d:XAddrs>${cam.xaddr}</d:XAddrs>`
      : '') +
    `<d:MetadataVersion>1</d:MetadataVersion></d:${kind}></SOAP-ENV:Body></SOAP-ENV:Envelope>`
  );
}

export interface DiscoveryOptions {
  port: number;
  host: string;
  multicast: boolean;
  cameras: () => SimCamera[];
  log: (msg: string) => void;
}

/**
 * WS-Discovery responder for the whole fleet on one UDP socket. Each online camera answers with
 * its own ProbeMatches datagram, as separate devices would; answers go out in small batches so a
 * 200-camera reply does not overrun the prober's receive buffer.
 */
export class DiscoveryResponder {
  private socket: dgram.Socket | undefined;
  private messageNumber = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: DiscoveryOptions) {}

  async start(): Promise<number> {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        // Multicast needs the wildcard address; unicast-only binds where the cameras live.
        socket.bind(this.opts.port, this.opts.multicast ? undefined : this.opts.host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (e) {
      this.socket = undefined;
      try {
        socket.close();
      } catch {
        // never bound: nothing to close
      }
      throw e;
    }
    socket.on('error', (e) => this.opts.log(`discovery socket error: ${e.message}`));
    if (this.opts.multicast) {
      try {
        socket.addMembership(WSD_MULTICAST);
      } catch (e) {
        this.opts.log(`discovery: cannot join ${WSD_MULTICAST} (${(e as Error).message}); unicast only`);
      }
    }
    return socket.address().port;
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const probe = parseProbe(msg.toString('utf8'));
    if (!probe) return;
    const cams = this.opts.cameras().filter((c) => c.online && probeMatches(probe, c));
    const batch = 10;
    for (let i = 0; i < cams.length; i += batch) {
      const slice = cams.slice(i, i + batch);
      const t = setTimeout(
        () => {
          this.timers.delete(t);
          for (const cam of slice) {
            const xml = Buffer.from(probeMatchXml(cam, probe.messageId, ++this.messageNumber));
            this.socket?.send(xml, rinfo.port, rinfo.address);
          }
        },
        (i / batch) * 5,
      );
      this.timers.add(t);
    }
  }

  /** Multicasts Hello/Bye when a camera comes online or goes away (multicast mode only). */
  announce(cam: SimCamera, kind: 'Hello' | 'Bye'): void {
    if (!this.opts.multicast || !this.socket) return;
    const xml = Buffer.from(announcementXml(cam, kind, ++this.messageNumber));
    // To the port the responder listens on: 3702 in a real network, an ephemeral one in tests.
    this.socket.send(xml, this.socket.address().port, WSD_MULTICAST, (e) => {
      if (e) this.opts.log(`discovery: ${kind} for ${cam.id} not sent (${e.message})`);
    });
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const s = this.socket;
    this.socket = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
