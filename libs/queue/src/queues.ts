/** Queue names shared by producers and consumers. */
export const QUEUES = {
  /** RawEvents from every source, job id = the event's idempotency key. */
  events: 'events',
  /** Delayed SLA checks, job id = `${alertId}|${stage}`. */
  sla: 'sla',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];
