import { BadRequestException, PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { describeIssues, summariseIssues } from '@xueliang/contracts';

/**
 * Validates a body, query or param against a contracts schema. A failure is a 400 whose
 * message names each field and why, e.g. "roles: at least one role".
 */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
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
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw new BadRequestException({
    statusCode: 400,
    error: 'Bad Request',
    message: summariseIssues(parsed.error),
    issues: describeIssues(parsed.error),
  });
}

/** `@Body(valid(CreateUserSchema)) body: CreateUser` */
export function valid<S extends z.ZodType>(schema: S): ZodValidationPipe<S> {
  return new ZodValidationPipe(schema);
}
