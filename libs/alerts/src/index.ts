/**
 * Alert logic shared by the processes that change alerts (the api's workflow commands, the
 * alert-service's intake and SLA timers): the alert read model and change log, and SLA deadline
 * arithmetic with the scheduling of its checks. Queue plumbing stays in @xueliang/queue.
 */
export * from './alert-log';
export * from './escalation';
export * from './sla-deadlines';
