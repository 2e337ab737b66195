/**
 * The window an alert's footage is shown for: the policy's pre-event seconds before its first
 * event to the post-event seconds after, never past `now` (what is not recorded yet).
 */
export function preEventRange(
  firstSeenAt: string,
  policy: { preEventSeconds: number; postEventSeconds: number },
  now: number,
): { from: number; to: number } {
  const first = Date.parse(firstSeenAt);
  const from = first - policy.preEventSeconds * 1000;
  return { from, to: Math.max(from + 1000, Math.min(first + policy.postEventSeconds * 1000, now)) };
}
