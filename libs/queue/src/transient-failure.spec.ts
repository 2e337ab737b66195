import { isTransientFailure } from './transient-failure';

/** Errors as node-postgres, TypeORM and ioredis raise them when a data service goes away. */
function withCode(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('isTransientFailure', () => {
  it.each([
    ['PostgreSQL refused (down)', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['PostgreSQL killed mid-query', new Error('Connection terminated unexpectedly')],
    ['pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['server shutting down', withCode('terminating connection due to administrator command', '57P01')],
    ['server in recovery', withCode('the database system is in recovery mode', '57P03')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
    ['connection exception class', withCode('connection failure', '08006')],
    ['deadlock', withCode('deadlock detected', '40P01')],
    ['Redis connection closed', new Error('Connection is closed.')],
    [
      'TypeORM wrapping a driver error',
      Object.assign(new Error('Query failed'), { driverError: withCode('x', 'ECONNRESET') }),
    ],
    ['a cause chain', new Error('publish failed', { cause: withCode('read ECONNRESET', 'ECONNRESET') })],
  ])('%s: retry without limit', (_, error) => {
    expect(isTransientFailure(error)).toBe(true);
  });

  it.each([
    [
      'invalid byte sequence (bad data)',
      withCode('invalid byte sequence for encoding "UTF8": 0x00', '22021'),
    ],
    ['constraint violation', withCode('violates foreign key constraint', '23503')],
    ['value too long', withCode('value too long for type character varying(200)', '22001')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'boom'],
    ['nothing', undefined],
  ])('%s: the job’s own fault', (_, error) => {
    expect(isTransientFailure(error)).toBe(false);
  });
});
