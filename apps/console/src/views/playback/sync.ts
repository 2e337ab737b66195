import { wallToMedia, type FragmentClock } from './pdt-clock';

/**
 * Synchronised playback: one player is the master clock, the others follow it by wall clock.
 * A follower is left alone while it is within DRIFT of the master (a seek costs a stutter) and
 * seeks when it is further away; where it has no footage at the master's time it waits paused.
 */
export const SYNC_DRIFT_S = 0.35;

export interface FollowerState {
  /** Its media time, seconds. */
  media: number;
  paused: boolean;
  frags: readonly FragmentClock[];
}

export type FollowerAction =
  | { kind: 'none' }
  | { kind: 'seek'; media: number; play: boolean }
  | { kind: 'play' }
  | { kind: 'pause' }
  /** Nothing recorded at the master's time: pause and say so. */
  | { kind: 'gap' };

export function followerAction(
  masterWall: number | null,
  masterPaused: boolean,
  follower: FollowerState,
): FollowerAction {
  if (masterWall === null || !follower.frags.length) return { kind: 'none' };
  const target = wallToMedia(follower.frags, masterWall);
  if (!target || !target.exact) return follower.paused ? { kind: 'gap' } : { kind: 'pause' };
  const drift = Math.abs(follower.media - target.media);
  if (drift > SYNC_DRIFT_S) return { kind: 'seek', media: target.media, play: !masterPaused };
  if (masterPaused && !follower.paused) return { kind: 'pause' };
  if (!masterPaused && follower.paused) return { kind: 'play' };
  return { kind: 'none' };
}
