import { digestChallenge, NonceBook, verifyAuthorization } from './digest';
import { SimCamera } from './camera';
import { deviceAction } from './onvif/device-service';
import { eventAction } from './onvif/event-service';
import { mediaAction } from './onvif/media-service';
import { media2Action } from './onvif/media2-service';
import { ptzAction } from './onvif/ptz-service';
import { Exchange, Fault, faultReply, SoapAction, SoapReply } from './onvif/soap-action';
import {
  extractUsernameToken,
  FAULTS,
  ParsedRequest,
  parseSoapRequest,
  soapFault,
  SoapParseError,
  verifyUsernameToken,
} from './soap';

/** Camera clocks are loose: accept Created up to five minutes either side. */
const CLOCK_SKEW_MS = 5 * 60_000;

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
    // HTTP-Digest-only firmware does not look at WS-Security at all.
    const token = this.cam.behaviour.auth === 'wsse' ? extractUsernameToken(req.header) : undefined;
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

  /** Each action name belongs to one service, so the first service that knows it answers. */
  private async dispatch(path: string, req: ParsedRequest, exchange: Exchange): Promise<SoapReply> {
    const action: SoapAction = {
      cam: this.cam,
      b: req.body,
      service: /\/onvif\/(\w+?)(?:_service)?(?:\/|$)/.exec(path)?.[1] ?? 'device',
      pullpoint: /\/onvif\/events\/pullpoint\/([\w-]+)/.exec(path)?.[1],
      exchange,
    };
    const reply =
      (action.service === 'media2' ? media2Action(req.action, action) : undefined) ??
      deviceAction(req.action, action) ??
      mediaAction(req.action, action) ??
      ptzAction(req.action, action) ??
      (await eventAction(req.action, action));
    if (!reply) throw new Fault(FAULTS.actionNotSupported(req.action));
    return reply;
  }
}
