import { Emitter } from '@socket.io/redis-emitter';
import type { Redis } from 'ioredis';
import { regionRoom, type ServerToClientEvents } from '@xueliang/contracts';

export type SocketEmitter = Emitter<ServerToClientEvents>;
export type SocketEventName = keyof ServerToClientEvents;

/**
 * The Redis channel key socket.io uses in this deployment. The api's Redis adapter and every
 * emitter (alert-service, camera-gateway) must agree on it, and it carries REDIS_PREFIX so
 * test runs and stacks sharing a Redis never hear each other.
 */
export function socketIoKey(prefix: string): string {
  return `${prefix}-socket.io`;
}

/** What the emitter needs of a Redis client: PUBLISH, whose promise it does not wait for. */
export type EmitterRedis = Pick<Redis, 'publish'>;

/** A socket.io emitter for processes without a socket.io server (alert-service, camera-gateway). */
export function createSocketEmitter(redis: EmitterRedis, prefix: string): SocketEmitter {
  return new Emitter<ServerToClientEvents>(redis, { key: socketIoKey(prefix) });
}

/** Ids of the region at a path and of its ancestors (libs/db's `regionIdsOnPath` over a database). */
export type RegionIdsOnPath = (path: string) => Promise<string[]>;

/** Region ids per path, cached briefly: the tree changes rarely and every alert change needs it. */
export class RegionRooms {
  private readonly cache = new Map<string, { ids: string[]; at: number }>();

  constructor(
    private readonly idsOnPath: RegionIdsOnPath,
    private readonly ttlMs = 60_000,
  ) {}

  async roomsFor(path: string): Promise<string[]> {
    const hit = this.cache.get(path);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.ids.map(regionRoom);
    const ids = await this.idsOnPath(path);
    if (this.cache.size > 5000) this.cache.clear();
    this.cache.set(path, { ids, at: Date.now() });
    return ids.map(regionRoom);
  }
}

/**
 * Emits one typed event to the rooms of the region at `regionPath` and of every ancestor, so the
 * region, its township and the county see it and no sibling does. For the camera gateway's
 * `camera.status` as much as for alerts.
 */
export async function publishToRegionPath<E extends SocketEventName>(
  emitter: SocketEmitter,
  rooms: RegionRooms,
  regionPath: string,
  event: E,
  ...args: Parameters<ServerToClientEvents[E]>
): Promise<void> {
  const targets = await rooms.roomsFor(regionPath);
  if (!targets.length) return;
  emitter.to(targets).emit(event, ...args);
}
