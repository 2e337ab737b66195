/**
 * Cameras behind NAT or port forwarding report their own view of the network: service
 * addresses, subscription addresses, snapshot and RTSP URIs name an internal host and port the
 * gateway cannot reach. Unless the camera is set to trust them, such an address is moved to the
 * host (and, for HTTP, the port) the camera was registered at, keeping path and query.
 */
export function reachableAddress(reported: string, registered: string, trust: boolean): string {
  if (trust) return reported;
  let url: URL;
  let home: URL;
  try {
    url = new URL(reported);
    home = new URL(registered);
  } catch {
    return reported;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    // Services and snapshots are served by the web server the camera was registered at.
    const moved = new URL(`${url.pathname}${url.search}`, home.origin);
    return moved.toString();
  }
  if (url.protocol === 'rtsp:' || url.protocol === 'rtsps:') {
    // RTSP listens on its own port, which port forwarding passes through as the device names it.
    if (url.hostname.toLowerCase() === home.hostname.toLowerCase()) return reported;
    return reported.replace(/^(rtsps?:\/\/(?:[^@/]*@)?)(\[[^\]]*\]|[^:/]*)/i, `$1${home.hostname}`);
  }
  return reported;
}
