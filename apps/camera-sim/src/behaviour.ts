import { z } from 'zod';

/**
 * How one simulated camera deviates from the textbook, so the gateway can be tested against the
 * habits of real firmware (Hikvision, Dahua, Uniview, Axis, no-name) rather than against itself.
 * Every field defaults to the well-behaved camera; the control API sets them per camera.
 */
export const CameraBehaviourSchema = z.object({
  /** SOAP version of the replies: '1.1' answers text/xml with the 1.1 envelope and fault shape. */
  soap: z.enum(['1.2', '1.1']).default('1.2'),
  /**
   * 'wsse' accepts WS-Security UsernameToken (and HTTP Digest as the fallback); 'http-digest'
   * ignores WS-Security and challenges every request for HTTP Digest, as some firmware does.
   */
  auth: z.enum(['wsse', 'http-digest']).default('wsse'),
  /** 'vendor' writes every element with other namespace prefixes (SOAP-ENV, ns0…), as gSOAP builds do. */
  prefixes: z.enum(['standard', 'vendor']).default('standard'),
  /** Leave out what the spec lets a device leave out: GetServices, snapshot URI, serial number. */
  minimal: z.boolean().default(false),
  /**
   * Behind NAT: service, subscription, snapshot and RTSP addresses name this host (port 80 for
   * HTTP, the real RTSP port for RTSP) instead of the address the camera is reached at.
   */
  internalHost: z.string().max(255).nullable().default(null),
  /**
   * Offers the Media2 (ver20) service; null (default): H.265 cameras do, H.264 ones do not, as
   * in the field. H.265 cameras say H265 only there; Media1 says H264.
   */
  media2: z.boolean().nullable().default(null),
  /** Renew answers ActionNotSupported (the camera cannot extend a subscription that way). */
  noRenew: z.boolean().default(false),
  /** Longest subscription the camera grants, whatever is asked (seconds); null = up to an hour. */
  maxTerminationS: z.number().int().min(1).max(3600).nullable().default(null),
  /** CreatePullPointSubscription faults (the camera's subscription limit is reached by other clients). */
  refuseSubscriptions: z.boolean().default(false),
  /** Each PullMessages pushes the termination time out again (some cameras without Renew do). */
  pullExtends: z.boolean().default(false),
});
export type CameraBehaviour = z.infer<typeof CameraBehaviourSchema>;
export const CameraBehaviourPatchSchema = CameraBehaviourSchema.partial().strict();
export type CameraBehaviourPatch = z.infer<typeof CameraBehaviourPatchSchema>;

export const DEFAULT_BEHAVIOUR: CameraBehaviour = CameraBehaviourSchema.parse({});

const SOAP11 = 'http://schemas.xmlsoap.org/soap/envelope/';
const SOAP12 = 'http://www.w3.org/2003/05/soap-envelope';

/** Prefixes as some gSOAP-based firmware writes them. */
const VENDOR_PREFIXES: Record<string, string> = {
  env: 'SOAP-ENV',
  tt: 'ns0',
  tds: 'ns1',
  trt: 'ns2',
  tr2: 'ns3',
  tptz: 'ns4',
  tev: 'ns5',
  wsnt: 'ns6',
  wsa: 'ns7',
  tns1: 'tnsvendor',
  ter: 'ns8',
};

/** Renames namespace prefixes (declarations, element names and topic texts); the URIs stay. */
export function renamePrefixes(xml: string): string {
  const names = Object.keys(VENDOR_PREFIXES).join('|');
  return xml
    .replace(new RegExp(`xmlns:(${names})=`, 'g'), (_m, p: string) => `xmlns:${VENDOR_PREFIXES[p]}=`)
    .replace(
      new RegExp(`(</?)(${names}):`, 'g'),
      (_m, lt: string, p: string) => `${lt}${VENDOR_PREFIXES[p]}:`,
    )
    .replace(
      new RegExp(`([>"\\s])(${names}):(?=[A-Za-z])`, 'g'),
      (_m, c: string, p: string) => `${c}${VENDOR_PREFIXES[p]}:`,
    );
}

/** A SOAP 1.2 reply as a SOAP 1.1 device writes it: 1.1 envelope URI, 1.1 fault shape. */
export function toSoap11(xml: string): string {
  return xml
    .replace(SOAP12, SOAP11)
    .replace(
      /<env:Fault><env:Code><env:Value>([^<]*)<\/env:Value>(?:<env:Subcode><env:Value>([^<]*)<\/env:Value><\/env:Subcode>)?<\/env:Code><env:Reason><env:Text[^>]*>([^<]*)<\/env:Text><\/env:Reason>(?:<env:Detail>[\s\S]*?<\/env:Detail>)?<\/env:Fault>/,
      (_m, code: string, sub: string | undefined, reason: string) =>
        `<env:Fault><faultcode>${sub || (code === 'env:Sender' ? 'env:Client' : 'env:Server')}</faultcode>` +
        `<faultstring>${reason}</faultstring></env:Fault>`,
    );
}
