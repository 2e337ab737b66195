import { XMLParser } from 'fast-xml-parser';

/** A parsed XML node: prefixes removed, attributes as '@_name', text as '#text'. */
export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | number | boolean | XmlNode | XmlValue[] | undefined;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
});

export interface SoapFaultInfo {
  code: string;
  subcode: string;
  reason: string;
}

export interface ParsedSoap {
  body: XmlNode;
  fault?: SoapFaultInfo;
}

function asNode(v: XmlValue): XmlNode | undefined {
  if (Array.isArray(v)) return asNode(v[0]);
  return v && typeof v === 'object' ? v : undefined;
}

export function asArray(v: XmlValue): XmlValue[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function text(v: XmlValue): string | undefined {
  if (v === undefined) return undefined;
  if (Array.isArray(v)) return text(v[0]);
  if (typeof v === 'object') return text(v['#text']);
  return String(v);
}

export function path(v: XmlValue, ...keys: string[]): XmlValue {
  let cur: XmlValue = v;
  for (const k of keys) cur = asNode(cur)?.[k];
  return cur;
}

/** undefined when the text is not a SOAP envelope at all (an HTTP server that isn't ONVIF). */
export function parseSoap(xml: string): ParsedSoap | undefined {
  let doc: XmlNode;
  try {
    doc = parser.parse(xml) as XmlNode;
  } catch {
    return undefined;
  }
  const body = asNode(path(doc, 'Envelope', 'Body'));
  if (!body) return undefined;
  const fault = asNode(body['Fault']);
  if (!fault) return { body };
  if ('faultcode' in fault || 'faultstring' in fault) {
    // SOAP 1.1: faultcode carries what 1.2 puts in the Subcode (ter:NotAuthorized, …).
    const code = text(fault['faultcode']) ?? '';
    return { body, fault: { code, subcode: code, reason: text(fault['faultstring']) ?? '' } };
  }
  return {
    body,
    fault: {
      code: text(path(fault, 'Code', 'Value')) ?? '',
      subcode: text(path(fault, 'Code', 'Subcode', 'Value')) ?? '',
      reason: text(path(fault, 'Reason', 'Text')) ?? '',
    },
  };
}

export interface NotificationItem {
  topic: string;
  utcTime: string;
  operation: string;
  source: Record<string, string>;
  data: Record<string, string>;
}

function simpleItems(v: XmlValue): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of asArray(asNode(v)?.['SimpleItem'])) {
    const n = asNode(item);
    const name = n?.['@_Name'];
    if (typeof name === 'string') out[name] = String(n?.['@_Value'] ?? '');
  }
  return out;
}

/** The NotificationMessages of a PullMessagesResponse. */
export function parseNotifications(body: XmlNode): NotificationItem[] {
  const res = asNode(body['PullMessagesResponse']);
  return asArray(res?.['NotificationMessage']).flatMap((m) => {
    const message = asNode(path(m, 'Message', 'Message'));
    if (!message) return [];
    return [
      {
        topic: text(path(m, 'Topic')) ?? '',
        utcTime: String(message['@_UtcTime'] ?? ''),
        operation: String(message['@_PropertyOperation'] ?? ''),
        source: simpleItems(message['Source']),
        data: simpleItems(message['Data']),
      },
    ];
  });
}
