/**
 * The Redis keys gateways coordinate through. Only the gateways write them; the api reads the
 * lease and heartbeat keys to route a camera's request to the gateway holding it (asking a
 * gateway over HTTP first would cost a hop per request). Nothing outside this lib spells a key.
 */

/** Which gateway holds a camera's lease; the value is the gateway's id. */
export function leaseKey(prefix: string, cameraId: string): string {
  return `${prefix}:lease:camera:${cameraId}`;
}

/** Heartbeat of one live gateway; its value is the gateway's internal URL. */
export function gatewayKey(prefix: string, gatewayId: string): string {
  return `${prefix}:gateway:${gatewayId}`;
}

/** SCAN pattern matching every live gateway's heartbeat key. */
export function gatewayKeyPattern(prefix: string): string {
  return `${prefix}:gateway:*`;
}

/** The latest WS-Discovery scan, shared by the gateways (any of them may have run it). */
export function discoveryKeys(prefix: string): { devices: string; scanning: string; startedAt: string } {
  return {
    devices: `${prefix}:discovery:devices`,
    scanning: `${prefix}:discovery:scanning`,
    startedAt: `${prefix}:discovery:started-at`,
  };
}

/**
 * Recording state per camera: a hash cameraId → RecordingState JSON, written by the gateway
 * recording the camera, read by the api's recording health view.
 */
export function recordingStateKey(prefix: string): string {
  return `${prefix}:recording:state`;
}

/** Recording storage per gateway: a hash gatewayId → RecordingStorageView JSON (contracts). */
export function recordingStorageKey(prefix: string): string {
  return `${prefix}:recording:storage`;
}

/**
 * Pub/sub channel on which whoever changes recording_policies (the api's recording-admin)
 * announces it so the gateway recording the camera applies the change at once. The api sends
 * JSON `{ "cameraId": "<uuid>" }`; a bare camera id or '*' (all cameras) is understood too.
 * Gateways also re-read policies every RECORDING_POLICY_POLL_MS, so a lost message only
 * delays a change.
 */
export function recordingPolicyChannel(prefix: string): string {
  return `${prefix}:recording:policy`;
}

/**
 * Bytes of footage per camera that one gateway's recordings directory holds: a hash
 * cameraId → bytes, rewritten by that gateway's retention sweeper, read by the health view.
 */
export function recordingBytesKey(prefix: string, gatewayId: string): string {
  return `${prefix}:recording:bytes:${gatewayId}`;
}
