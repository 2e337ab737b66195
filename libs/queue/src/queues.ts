/** Queue names shared by producers and consumers. */
export const QUEUES = {
  /** RawEvents from every source, job id = the event's idempotency key. */
  events: 'events',
  /** Delayed SLA checks, job id = `${alertId}|${stage}`. */
  sla: 'sla',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * Evidence exports, job id = the export's id. Not one of the alert-service's queues: a
 * camera-gateway runs them (it has the recorded files and ffmpeg).
 */
export const RECORDING_EXPORTS_QUEUE = 'recording-exports';

/** The payload of an export job: the row holds everything else. */
export interface RecordingExportJob {
  exportId: string;
}
