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
  'audit.view': ['admin', 'supervisor'],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

export function rolesFor(permission: Permission): Role[] {
  return [...PERMISSIONS[permission]];
}
