import type { RegionLevel, Role } from '@xueliang/contracts';

/** The signed-in user as every guard, service and socket sees it. */
export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  regionId: string;
  regionName: string;
  regionLevel: RegionLevel;
  /** Materialised path of the home region; the user's scope is everything under it. */
  regionPath: string;
}
