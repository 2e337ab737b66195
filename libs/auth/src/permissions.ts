import type { Role } from '@xueliang/contracts';

/**
 * Who may do what, by role. Region is checked separately (region-scope.ts): a permission here
 * is only ever exercised inside the user's own subtree.
 */
export const PERMISSIONS = {
  'admin.manage': ['admin'],
  'camera.view': ['duty_officer', 'dispatcher', 'supervisor', 'technician', 'admin'],
  'camera.live': ['duty_officer', 'dispatcher', 'supervisor', 'technician'],
  'camera.ptz': ['duty_officer', 'technician', 'supervisor'],
  'camera.manage': ['technician', 'admin'],
  'alert.view': ['duty_officer', 'dispatcher', 'supervisor', 'responder', 'technician', 'admin'],
  'alert.raise': ['duty_officer', 'dispatcher', 'supervisor'],
  'alert.mute': ['technician', 'supervisor'],
  'stats.view': ['supervisor', 'admin', 'dispatcher', 'duty_officer'],
  // Alert workflow commands (the matrix is explained in apps/api/src/alerts/alert-workflow.ts).
  // Responders additionally need the alert assigned to them or to a unit in their subtree.
  'alert.ack': ['duty_officer', 'dispatcher', 'supervisor'],
  'alert.dispatch': ['dispatcher', 'supervisor'],
  'alert.accept': ['responder'],
  'alert.arrive': ['responder'],
  'alert.resolve': ['responder'],
  'alert.follow-up': ['supervisor'],
  'alert.close': ['supervisor'],
  'alert.dismiss': ['duty_officer', 'dispatcher', 'supervisor'],
  'alert.escalate': ['duty_officer', 'dispatcher', 'supervisor'],
  'alert.reopen': ['supervisor'],
  'alert.comment': ['duty_officer', 'dispatcher', 'supervisor', 'responder', 'technician'],
  'sla.view': ['supervisor', 'admin', 'dispatcher', 'duty_officer'],
  'sla.manage': ['admin'],
  'audit.view': ['admin', 'supervisor'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function rolesFor(permission: Permission): Role[] {
  return [...PERMISSIONS[permission]];
}
