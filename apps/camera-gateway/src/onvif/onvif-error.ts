import { redactCredentials } from '@xueliang/platform';

/** Why a call to a camera failed, in the words the console and statusReason use. */
export type OnvifFailure =
  | 'auth'
  | 'timeout'
  | 'refused'
  | 'unreachable'
  | 'not_onvif'
  | 'resource_unknown'
  | 'fault'
  /** The address is outside CAMERA_NETWORKS: nothing was contacted. */
  | 'not_allowed';

export class OnvifError extends Error {
  constructor(
    readonly kind: OnvifFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Camera.statusReason text for a failed health poll. */
export function statusReasonOf(kind: OnvifFailure): string {
  switch (kind) {
    case 'auth':
      return 'auth failed';
    case 'timeout':
      return 'timeout';
    case 'refused':
      return 'connection refused';
    case 'unreachable':
      return 'unreachable';
    case 'not_onvif':
      return 'not an ONVIF device';
    default:
      return 'device error';
  }
}

/** Maps a socket-level error to a failure kind. */
export function networkFailure(err: unknown): OnvifError {
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? '';
  const msg = e?.message ?? String(err);
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg))
    return new OnvifError('refused', 'camera unreachable (ECONNREFUSED)');
  if (code === 'ETIMEDOUT' || e?.name === 'TimeoutError' || /timeout/i.test(msg)) {
    return new OnvifError('timeout', 'camera unreachable (timeout)');
  }
  const named = code || /\b(E[A-Z]{4,})\b/.exec(msg)?.[1];
  return new OnvifError('unreachable', `camera unreachable (${named || msg})`);
}

/**
 * The same failure with the given secrets (and any URL userinfo) taken out of its message; the
 * original is deliberately not kept as a cause, since a cause is what a log would print.
 */
export function redactedFailure(err: unknown, secrets: readonly string[]): unknown {
  return err instanceof OnvifError ? new OnvifError(err.kind, redactCredentials(err.message, secrets)) : err;
}
