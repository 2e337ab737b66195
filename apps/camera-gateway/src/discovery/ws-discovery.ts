import { randomUUID } from 'node:crypto';
import type { DiscoveredOnvifDevice } from '@xueliang/gateway-protocol';
import { asArray, path, parseSoap, text } from '../onvif/soap-response';

export const WSD_MULTICAST = '239.255.255.250';
export const WSD_PORT = 3702;

/** A WS-Discovery Probe for ONVIF video transmitters (NetworkVideoTransmitter). */
export function probeMessage(messageId = `urn:uuid:${randomUUID()}`): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>` +
    `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ` +
    `xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">` +
    `<s:Header><a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>` +
    `<a:MessageID>${messageId}</a:MessageID>` +
    `<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>` +
    `<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>`
  );
}

/** One device that answered; the shape the api reads back is protocol (gateway-protocol). */
export type ProbeMatch = DiscoveredOnvifDevice;

function scopeValue(scopes: string[], kind: string): string | null {
  const prefix = `onvif://www.onvif.org/${kind}/`;
  const s = scopes.find((x) => x.startsWith(prefix));
  if (!s) return null;
  try {
    return decodeURIComponent(s.slice(prefix.length));
  } catch {
    return s.slice(prefix.length);
  }
}

/** ProbeMatches datagram → devices (usually one). The first http XAddr is the device service. */
export function parseProbeMatches(xml: string): ProbeMatch[] {
  const soap = parseSoap(xml);
  if (!soap) return [];
  return asArray(path(soap.body, 'ProbeMatches', 'ProbeMatch')).flatMap((m) => {
    const xaddrs = (text(path(m, 'XAddrs')) ?? '').split(/\s+/).filter(Boolean);
    const xaddr = xaddrs.find((x) => x.startsWith('http://')) ?? xaddrs[0];
    if (!xaddr) return [];
    const scopes = (text(path(m, 'Scopes')) ?? '').split(/\s+/).filter(Boolean);
    return [
      {
        urn: text(path(m, 'EndpointReference', 'Address')) ?? xaddr,
        xaddr,
        scopes,
        name: scopeValue(scopes, 'name'),
        hardware: scopeValue(scopes, 'hardware'),
      },
    ];
  });
}

/** "host:port,host:port" → targets; bad entries are skipped. */
export function parseTargets(list: string): { host: string; port: number }[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .flatMap((s) => {
      const i = s.lastIndexOf(':');
      const host = i > 0 ? s.slice(0, i) : s;
      const port = i > 0 ? Number(s.slice(i + 1)) : WSD_PORT;
      return Number.isInteger(port) && port > 0 && port < 65536 ? [{ host, port }] : [];
    });
}
