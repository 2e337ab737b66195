import { ArgumentsHost, Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { ApiExceptionFilter } from './api-exception.filter';

/** What the filter answers and logs for an unexpected database failure. */
describe('ApiExceptionFilter and failed queries', () => {
  function run(exception: unknown): { status: number; body: unknown; logged: string[] } {
    const logged: string[] = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((message: unknown) => {
      logged.push(String(message));
    });
    const answer = { status: 0, body: undefined as unknown };
    const res = {
      headersSent: false,
      status(code: number) {
        answer.status = code;
        return res;
      },
      json(body: unknown) {
        answer.body = body;
        return res;
      },
    };
    const host = {
      getType: () => 'http',
      switchToHttp: () => ({ getResponse: () => res }),
    } as unknown as ArgumentsHost;
    new ApiExceptionFilter().catch(exception, host);
    jest.restoreAllMocks();
    return { ...answer, logged };
  }

  it('logs the statement and SQLSTATE, not the parameters or the quoted value', () => {
    const driverError = Object.assign(new Error('value "SECRET-HASH" is out of range for type integer'), {
      code: '22003',
      detail: 'Key (password_hash)=(SECRET-HASH)',
    });
    const error = new QueryFailedError(
      'UPDATE users SET password_hash = $1 WHERE id = $2',
      ['SECRET-HASH', 'u1'],
      driverError,
    );
    const { status, body, logged } = run(error);
    expect(status).toBe(500);
    expect(JSON.stringify(body)).not.toContain('SECRET');
    expect(logged.join('\n')).toContain('UPDATE users SET password_hash = $1 WHERE id = $2');
    expect(logged.join('\n')).toContain('22003');
    expect(logged.join('\n')).not.toContain('SECRET');
  });
});
