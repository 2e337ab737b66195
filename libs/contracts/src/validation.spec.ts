import { z } from 'zod';
import { safeParseInput, summariseIssues, unstorableText, unstorableTextIssues } from './validation';

describe('text PostgreSQL cannot store', () => {
  it.each([
    ['plain', '清泉镇 路口 3', null],
    ['emoji (a surrogate pair)', '火情 🔥', null],
    ['NUL', 'a\u0000b', /NUL/],
    ['lone high surrogate', 'a\ud800b', /lone surrogate/],
    ['lone low surrogate at the end', 'ab\udc00', /lone surrogate/],
    ['reversed pair', '\udc00\ud800', /lone surrogate/],
  ])('%s', (_name, text, reason) => {
    const result = unstorableText(text);
    if (reason === null) expect(result).toBeNull();
    else expect(result).toMatch(reason);
  });

  it('names every offending field, nested and in arrays, and keys', () => {
    const issues = unstorableTextIssues({
      title: 'x\u0000',
      tags: ['ok', 'b\u0000'],
      meta: { 'k\u0000': 1 },
    });
    expect(issues.map((i) => i.path.join('.'))).toEqual(['title', 'tags.1', 'meta']);
  });

  it('safeParseInput reports the text before the schema, as field: reason', () => {
    const schema = z.object({ title: z.string().max(5), note: z.string().optional() });
    const bad = safeParseInput(schema, { title: 'ok', note: '\u0000' });
    expect(bad.success).toBe(false);
    if (!bad.success)
      expect(summariseIssues(bad.error)).toBe('note: must not contain a NUL (U+0000) character');
    expect(safeParseInput(schema, { title: 'ok' })).toEqual({ success: true, data: { title: 'ok' } });
  });
});
