/**
 * Whether a job's failure says "the world is briefly unavailable" (PostgreSQL or Redis down,
 * restarting, out of connections, a deadlock) rather than "this job is wrong". The first kind
 * must be retried for as long as it takes: an accepted event or a deadline is never given up
 * because a data service was away. The second kind fails once and is kept for an admin.
 */
export function isTransientFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (typeof e !== 'object') return false;
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && transientCode(code)) return true;
    if (typeof message === 'string' && TRANSIENT_MESSAGES.some((m) => m.test(message))) return true;
    // TypeORM keeps the driver's error in driverError; Node and ioredis chain with cause.
    const next = e as { driverError?: unknown; cause?: unknown };
    e = next.driverError ?? next.cause;
  }
  return false;
}

/** Node socket errors, and PostgreSQL SQLSTATEs that say nothing about the statement itself. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is stopping
  '57P02', // crash_shutdown: another backend crashed, the server restarts
  '57P03', // cannot_connect_now: starting up or in recovery
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
]);

function transientCode(code: string): boolean {
  return (
    SOCKET_CODES.has(code) ||
    SQLSTATES.has(code) ||
    // Class 08 connection exception, 53 insufficient resources (too many connections, disk
    // full), 58 system error (I/O): the statement may succeed unchanged later.
    (code.length === 5 && (code.startsWith('08') || code.startsWith('53') || code.startsWith('58')))
  );
}

/** Errors that node-postgres, TypeORM's pool and ioredis raise without a code. */
const TRANSIENT_MESSAGES = [
  /^Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /^Client was closed and is not queryable/i,
  /^Connection is closed/i,
  /^Reached the max retries per request limit/i,
  /the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/i,
];
