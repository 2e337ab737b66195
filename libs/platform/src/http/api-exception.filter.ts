import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { isRedisUnavailableError } from '../redis';

/** Seconds a caller should wait before retrying a 503: about one reconnect of a restarted Redis. */
export const RETRY_AFTER_SECONDS = 5;

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  [key: string]: unknown;
}

/**
 * Every error leaves as the contracts' ApiError shape. Unexpected errors are logged with their
 * stack and answered 500 without internals; known database conflicts become 409; a Redis outage
 * becomes 503 with Retry-After.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    const body = this.toBody(exception);
    // Every 503 is "try again later": say when, so clients and proxies back off instead of hammering.
    if (body.statusCode === 503 && !res.getHeader('Retry-After'))
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const error = HttpStatus[status]?.replace(/_/g, ' ').toLowerCase() ?? 'error';
      if (typeof response === 'string') return { statusCode: status, error, message: response };
      const r = response as Record<string, unknown>;
      const message = Array.isArray(r.message)
        ? r.message.join('; ')
        : String(r.message ?? exception.message);
      return { ...r, statusCode: status, error: String(r.error ?? error), message };
    }
    if (exception instanceof QueryFailedError) {
      const code = (exception.driverError as { code?: string } | undefined)?.code;
      if (code === '23505') return { statusCode: 409, error: 'Conflict', message: 'already exists' };
      if (code === '22P02') return { statusCode: 400, error: 'Bad Request', message: 'malformed identifier' };
    }
    if (isRedisUnavailableError(exception)) {
      // An outage, not a bug: one line without the stack, and a status the caller can act on.
      this.logger.warn(`redis unavailable: ${(exception as Error).message}`);
      return {
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'temporarily unavailable, retry later',
      };
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return { statusCode: 500, error: 'Internal Server Error', message: 'internal error' };
  }
}
