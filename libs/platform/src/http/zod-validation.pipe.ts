import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';
import { z } from 'zod';
import { describeIssues, safeParseInput, summariseIssues, unstorableTextIssues } from '@xueliang/contracts';

/**
 * Validates a body, query or param against a contracts schema. A failure is a 400 whose
 * message names each field and why, e.g. "roles: at least one role".
 */
class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    return parseRequest(this.schema, value);
  }
}

/**
 * The pipe's check for a body a service reads itself (routes keyed by an integration key, which
 * must be checked before the body): the same 400 as `valid()`.
 */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const parsed = safeParseInput(schema, value ?? {});
  if (parsed.success) return parsed.data;
  throw badRequest(parsed.error);
}

/** `@Body(valid(CreateUserSchema)) body: CreateUser` */
export function valid<S extends z.ZodType>(schema: S): ZodValidationPipe<S> {
  return new ZodValidationPipe(schema);
}

/**
 * Global pipe: every body, query and route parameter a controller reads, validated by a schema
 * or not (`@Param('command')`, `@Body() body: unknown`), is refused with a 400 naming the field
 * when it holds text PostgreSQL cannot store (NUL, lone surrogates).
 */
@Injectable()
export class StorableTextPipe implements PipeTransform<unknown, unknown> {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const issues = unstorableTextIssues(value, metadata.data ? [metadata.data] : []);
    if (issues.length) throw badRequest(new z.ZodError(issues));
    return value;
  }
}

function badRequest(error: z.ZodError): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: summariseIssues(error),
    issues: describeIssues(error),
  });
}
