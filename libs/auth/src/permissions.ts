import { ALERT_COMMAND_ROLES, type Role } from '@xueliang/contracts';

/**
 * Who may do what, by role. Region is checked separately (region-scope.ts): a permission here
 * is only ever exercised inside the user's own subtree.
 */
const PERMISSIONS = {
  'admin.manage': ['admin'],
  'camera.view': ['duty_officer', 'dispatcher', 'supervisor', 'technician', 'admin'],
  'camera.live': ['duty_officer', 'dispatcher', 'supervisor', 'technician'],
  'camera.ptz': ['duty_officer', 'technician', 'supervisor'],
  'camera.manage': ['technician', 'admin'],
  'alert.view': ['duty_officer', 'dispatcher', 'supervisor', 'responder', 'technician', 'admin'],
  'alert.raise': ['duty_officer', 'dispatcher', 'supervisor'],
  'alert.mute': ['technician', 'supervisor'],
  'stats.view': ['supervisor', 'admin', 'dispatcher', 'duty_officer'],
  // Alert workflow commands: the matrix is libs/contracts/src/alert-workflow.ts, shared with the
  // console. Responders additionally need the alert assigned to them or to a unit in their subtree.
  'alert.ack': ALERT_COMMAND_ROLES.ack,
  'alert.dispatch': ALERT_COMMAND_ROLES.dispatch,
  'alert.accept': ALERT_COMMAND_ROLES.accept,
  'alert.arrive': ALERT_COMMAND_ROLES.arrive,
  'alert.resolve': ALERT_COMMAND_ROLES.resolve,
  'alert.follow-up': ALERT_COMMAND_ROLES['follow-up'],
  'alert.close': ALERT_COMMAND_ROLES.close,
  'alert.dismiss': ALERT_COMMAND_ROLES.dismiss,
  'alert.escalate': ALERT_COMMAND_ROLES.escalate,
  'alert.reopen': ALERT_COMMAND_ROLES.reopen,
  'alert.comment': ALERT_COMMAND_ROLES.comment,
  'sla.view': ['supervisor', 'admin', 'dispatcher', 'duty_officer'],
  'sla.manage': ['admin'],
  'audit.view': ['admin', 'supervisor'],
  // Recorded video (docs/RECORDING.md): policies and storage health for those who keep the
  // cameras running; evidence locks for those who answer for evidence. Technicians may read the
  // locks too, to see why a disk holds footage it cannot delete.
  'recording.policy': ['technician', 'admin'],
  'recording.health': ['technician', 'admin'],
  'evidence.lock': ['supervisor', 'admin'],
  'evidence.view': ['supervisor', 'admin', 'technician'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function rolesFor(permission: Permission): Role[] {
  return [...PERMISSIONS[permission]];
}
