import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface AppSpec {
  name: string;
  /** Built entry point, relative to dist/. */
  main: string;
  /** Extra environment for this app only. */
  env?: Record<string, string>;
}

/** Started in this order; the simulator first because the seed registers its cameras. */
export const SIM_APP: AppSpec = {
  name: 'camera-sim',
  main: 'apps/camera-sim/src/main.js',
  env: { SIM_DEMO: '1' },
};
export const SERVICE_APPS: AppSpec[] = [
  { name: 'api', main: 'apps/api/src/main.js' },
  { name: 'alert-service', main: 'apps/alert-service/src/main.js' },
  { name: 'camera-gateway', main: 'apps/camera-gateway/src/main.js' },
];

export function appEntry(distRoot: string, app: AppSpec): string | undefined {
  const file = join(distRoot, app.main);
  return existsSync(file) ? file : undefined;
}
