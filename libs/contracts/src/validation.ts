import type { z } from 'zod';

export interface FieldIssue {
  path: string;
  message: string;
}

/** Flattens zod issues into "field: reason" pairs that a 4xx body and a log line can carry. */
export function describeIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.length ? issue.path.map(String).join('.') : '(body)',
    message: issue.message,
  }));
}

export function summariseIssues(error: z.ZodError): string {
  return describeIssues(error)
    .map((i) => `${i.path}: ${i.message}`)
    .join('; ');
}
