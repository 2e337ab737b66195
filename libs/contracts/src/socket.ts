import type { AlertView } from './alerts';
import type { CameraStatus, SlaStage } from './domain';

/** Every alert change carries the global sequence number a reconnecting console resumes from. */
export interface AlertChangeMessage {
  seq: string;
  alert: AlertView;
}

export interface CameraStatusMessage {
  cameraId: string;
  regionId: string;
  status: CameraStatus;
  reason: string | null;
  at: string;
}

/** A deadline passed: supervisors of the region (and ancestors) are told at once. */
export interface AlertOverdueMessage {
  seq: string;
  stage: SlaStage;
  /** true when the alert was moved up to the parent region because of it. */
  escalated: boolean;
  alert: AlertView;
}

/** An evidence export moved on: to its requester's sockets only (userRoom). */
export interface ExportProgressMessage {
  exportId: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  /** 0..1 */
  progress: number;
  error: string | null;
}

export interface SyncRequest {
  /** The last seq this console saw; omitted on first connect. */
  since?: string;
}

export interface SyncResult {
  changes: { event: 'alert.created' | 'alert.updated'; message: AlertChangeMessage }[];
  /** true when more changes were missed than one sync returns: reload the list instead. */
  truncated: boolean;
  lastSeq: string;
}

/** Server → console events; nothing is emitted by a bare string outside this map. */
export interface ServerToClientEvents {
  'alert.created': (message: AlertChangeMessage) => void;
  'alert.updated': (message: AlertChangeMessage) => void;
  'camera.status': (message: CameraStatusMessage) => void;
  'alert.overdue': (message: AlertOverdueMessage) => void;
  'export.progress': (message: ExportProgressMessage) => void;
}

export interface ClientToServerEvents {
  sync: (request: SyncRequest, reply: (result: SyncResult) => void) => void;
}

/** Room of one user's sockets, so ending the user's sessions reaches every api node. */
export function userRoom(userId: string): string {
  return `user:${userId}`;
}

/** Room of one region; an alert goes to the rooms of its region and every ancestor. */
export function regionRoom(regionId: string): string {
  return `region:${regionId}`;
}
