import type { Role } from '@xueliang/contracts';
import type { MessageKey } from './i18n/dictionary';

export interface NavItem {
  path: string;
  label: MessageKey;
  roles: readonly Role[];
}

/** Who sees which page; the api enforces the same rules, this only keeps the menu honest. */
const NAV: NavItem[] = [
  {
    path: '/map',
    label: 'nav.map',
    roles: ['duty_officer', 'dispatcher', 'supervisor', 'technician', 'admin', 'responder'],
  },
  {
    path: '/alerts',
    label: 'nav.alerts',
    roles: ['duty_officer', 'dispatcher', 'supervisor', 'technician', 'admin'],
  },
  { path: '/walls', label: 'nav.walls', roles: ['duty_officer', 'dispatcher', 'supervisor', 'technician'] },
  { path: '/tasks', label: 'nav.tasks', roles: ['responder'] },
  // Playback is watched like live video; exports, verification and locks are evidence work.
  {
    path: '/playback',
    label: 'nav.playback',
    roles: ['duty_officer', 'dispatcher', 'supervisor', 'technician'],
  },
  { path: '/evidence', label: 'nav.evidence', roles: ['duty_officer', 'supervisor', 'admin'] },
  { path: '/cameras', label: 'nav.cameras', roles: ['technician', 'admin'] },
  { path: '/recordings', label: 'nav.recordings', roles: ['technician', 'admin'] },
  {
    path: '/statistics',
    label: 'nav.statistics',
    roles: ['supervisor', 'admin', 'dispatcher', 'duty_officer'],
  },
  { path: '/admin', label: 'nav.admin', roles: ['admin'] },
];

export function navFor(roles: readonly string[]): NavItem[] {
  return NAV.filter((n) => n.roles.some((r) => roles.includes(r)));
}

export function homeFor(roles: readonly string[]): string {
  if (roles.includes('responder')) return '/tasks';
  if (roles.some((r) => r === 'duty_officer' || r === 'dispatcher' || r === 'supervisor')) return '/alerts';
  return navFor(roles)[0]?.path ?? '/map';
}
