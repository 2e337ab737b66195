import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { redactCredentials } from '../redact';
import { isRedisUnavailableError } from '../redis';

/** Seconds a caller should wait before retrying a 503: about one reconnect of a restarted Redis. */
const RETRY_AFTER_SECONDS = 5;

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
      // A message may quote a device's URL or reply: credentials never leave in an answer.
      if (typeof response === 'string')
        return { statusCode: status, error, message: redactCredentials(response) };
      const r = response as Record<string, unknown>;
      const message = Array.isArray(r.message)
        ? r.message.join('; ')
        : String(r.message ?? exception.message);
      return {
        ...r,
        statusCode: status,
        error: String(r.error ?? error),
        message: redactCredentials(message),
      };
    }
    const parserError = bodyParserError(exception);
    if (parserError) return parserError;
    if (exception instanceof QueryFailedError) {
      const code = (exception.driverError as { code?: string } | undefined)?.code;
      if (code === '23505') return { statusCode: 409, error: 'Conflict', message: 'already exists' };
      if (code === '22P02') return { statusCode: 400, error: 'Bad Request', message: 'malformed identifier' };
      // Text the database cannot store; the boundary refuses it first, this catches a missed path.
      if (code === '22021' || code === '22P05' || code === '22025') {
        return {
          statusCode: 400,
          error: 'Bad Request',
          message: 'text holds characters that cannot be stored',
        };
      }
      // The driver's message can quote an input value and the error carries the parameters:
      // log the statement and SQLSTATE only (the data source's logger has the redacted reason).
      this.logger.error(`query failed (SQLSTATE ${code ?? 'unknown'}): ${exception.query}`);
      return { statusCode: 500, error: 'Internal Server Error', message: 'internal error' };
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

/** What body-parser (json, urlencoded) throws: an http-errors error with a `type`. */
interface BodyParserFailure {
  type: string;
  status: number;
  limit?: number;
}

function isBodyParserFailure(e: unknown): e is BodyParserFailure {
  const r = e as Partial<BodyParserFailure> | null;
  return e instanceof Error && typeof r?.type === 'string' && typeof r.status === 'number';
}

/**
 * Body-parser's refusals are the client's fault and must say so: 413 for a body over the limit,
 * 400 for one that does not parse, 415 for an encoding it cannot read. Without this they were
 * unknown errors and answered 500.
 */
function bodyParserError(exception: unknown): ErrorBody | null {
  if (!isBodyParserFailure(exception)) return null;
  const bad = (message: string): ErrorBody => ({
    statusCode: 400,
    error: 'Bad Request',
    message,
    issues: [{ path: 'body', message: message.replace(/^body: /, '') }],
  });
  switch (exception.type) {
    case 'entity.too.large': {
      const limit = exception.limit ? ` of ${exception.limit} bytes` : '';
      const message = `body: larger than the limit${limit}`;
      return {
        statusCode: 413,
        error: 'Payload Too Large',
        message,
        issues: [{ path: 'body', message: message.replace(/^body: /, '') }],
      };
    }
    case 'entity.parse.failed':
      return bad('body: not valid JSON');
    case 'parameters.too.many':
      return bad('body: too many form parameters');
    case 'request.aborted':
    case 'request.size.invalid':
      return bad('body: incomplete');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return {
        statusCode: 415,
        error: 'Unsupported Media Type',
        message: 'body: unsupported encoding or charset',
      };
    default:
      return exception.status >= 400 && exception.status < 500 ? bad('body: refused') : null;
  }
}
