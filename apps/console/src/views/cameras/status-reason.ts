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
