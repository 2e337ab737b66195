/**
 * Whether a browser page from `origin` may open a socket.io connection to this api. A request
 * without an Origin header is not a browser page acting for someone (native clients, tests): the
 * access token still decides. The api's own origin (the console it serves, or a dev proxy that
 * keeps the Host header) is always allowed, and so are the listed console origins.
 */
export function isAllowedSocketOrigin(
  origin: string | undefined,
  host: string | undefined,
  consoleOrigins: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (consoleOrigins.includes(origin)) return true;
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
