import type { ProbeErrorCode } from '@xueliang/contracts';
import type { Translate } from '../../i18n/i18n-provider';

/** The gateway's statusReason strings (camera-gateway onvif-error.ts statusReasonOf) in the operator's words. */
const REASONS: Record<
  string,
  | 'reason.auth'
  | 'reason.timeout'
  | 'reason.refused'
  | 'reason.unreachable'
  | 'reason.not_onvif'
  | 'reason.device'
> = {
  'auth failed': 'reason.auth',
  timeout: 'reason.timeout',
  'connection refused': 'reason.refused',
  unreachable: 'reason.unreachable',
  'not an ONVIF device': 'reason.not_onvif',
  'device error': 'reason.device',
};

export function statusReasonText(t: Translate, reason: string | null | undefined): string {
  if (!reason) return '—';
  const key = REASONS[reason];
  return key ? t(key) : reason;
}

/** The 422 codes of a failed probe (register or edit) in the operator's words. */
const PROBE_FAILURES: Record<
  ProbeErrorCode,
  'reason.auth' | 'reason.unreachable' | 'reason.not_onvif' | 'reason.network_not_allowed'
> = {
  camera_auth_failed: 'reason.auth',
  camera_unreachable: 'reason.unreachable',
  not_onvif: 'reason.not_onvif',
  camera_network_not_allowed: 'reason.network_not_allowed',
};

export function probeFailureText(t: Translate, code: unknown): string | undefined {
  return typeof code === 'string' && Object.hasOwn(PROBE_FAILURES, code)
    ? t(PROBE_FAILURES[code as ProbeErrorCode])
    : undefined;
}
