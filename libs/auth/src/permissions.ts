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
  // Evidence export (docs/RECORDING.md): cut, list and download clips of cameras in scope.
  'recording.export': ['duty_officer', 'supervisor', 'admin'],
  // Remove an export's files (the row stays, audited).
  'recording.export.delete': ['supervisor', 'admin'],
  // Check a clip and manifest someone hands in (anyone who handles evidence or keeps the system).
  'recording.export.verify': ['duty_officer', 'supervisor', 'technician', 'admin'],
  // Walk a camera's segment hash chain for one day.
  'recording.verify': ['technician', 'supervisor', 'admin'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function rolesFor(permission: Permission): Role[] {
  return [...PERMISSIONS[permission]];
}
