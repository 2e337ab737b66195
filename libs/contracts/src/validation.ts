import { z } from 'zod';

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

/** A UTF-16 surrogate half without its partner: no UTF-8 encoding exists for it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why a string cannot be stored, or null. PostgreSQL text and jsonb cannot hold U+0000 and
 * jsonb refuses an escaped lone surrogate; letting either through turns a form field into a
 * 500 or a queued event into a job that fails on every retry.
 */
export function unstorableText(value: string): string | null {
  if (value.includes('\u0000')) return 'must not contain a NUL (U+0000) character';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (lone surrogate)';
  return null;
}

/**
 * Walks any parsed input (body, query, params, queue job) and reports every string, and every
 * object key, that the database could not store. Schemas stay as they are: one walk at the
 * boundary covers every string field, present and future, including keys a schema strips.
 */
export function unstorableTextIssues(value: unknown, path: PropertyKey[] = []): z.core.$ZodIssue[] {
  const issues: z.core.$ZodIssue[] = [];
  const visit = (v: unknown, at: PropertyKey[], depth: number): void => {
    if (typeof v === 'string') {
      const reason = unstorableText(v);
      if (reason) issues.push({ code: 'custom', path: at, message: reason, input: undefined });
      return;
    }
    // body-parser and the query parser already bound depth; this guards other callers.
    if (v === null || typeof v !== 'object' || depth > 64) return;
    for (const [key, child] of Object.entries(v)) {
      const reason = unstorableText(key);
      if (reason) issues.push({ code: 'custom', path: at, message: `key ${reason}`, input: undefined });
      visit(child, [...at, key], depth + 1);
    }
  };
  visit(value, path, 0);
  return issues;
}

/**
 * `schema.safeParse` for anything arriving from outside (HTTP, queue jobs): text the database
 * cannot store is an issue on its field, as if every string schema refused it.
 */
export function safeParseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
): z.ZodSafeParseResult<z.infer<S>> {
  const unstorable = unstorableTextIssues(value);
  if (!unstorable.length) return schema.safeParse(value);
  return { success: false, error: new z.ZodError(unstorable) } as z.ZodSafeParseResult<z.infer<S>>;
}
