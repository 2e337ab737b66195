// The Redis keys of leases and heartbeats are protocol: @xueliang/gateway-protocol spells them.

/** Fair share of a fleet among live gateways (at least one camera each when there are cameras). */
export function fairShare(cameras: number, gateways: number): number {
  return Math.ceil(cameras / Math.max(1, gateways));
}

/** Which cameras to claim or release this round: pure, so the balancing rule is unit-tested. */
export function planLeases(input: {
  mine: string[];
  unowned: string[];
  share: number;
  /** Cameras that are expensive to move (live streams): released last. */
  busy?: Set<string>;
}): { claim: string[]; release: string[] } {
  const { mine, unowned, share } = input;
  if (mine.length > share) {
    const busy = input.busy ?? new Set<string>();
    const ordered = [...mine].sort((a, b) => Number(busy.has(a)) - Number(busy.has(b)));
    return { claim: [], release: ordered.slice(0, mine.length - share) };
  }
  return { claim: unowned.slice(0, share - mine.length), release: [] };
}
