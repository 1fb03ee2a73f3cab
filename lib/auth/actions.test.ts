import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { actionArg, parseActionArgs } from './actions';

const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
};

describe('actionArg', () => {
  it('takes a form, and refuses one whose text holds U+0000 (PostgreSQL cannot store it)', () => {
    const schema = z.tuple([actionArg.form]);
    expect(parseActionArgs(schema, [form({ name: 'Acme', note: 'tab\\there' })])).not.toBeNull();
    expect(parseActionArgs(schema, [form({ name: 'Ac\u0000me' })])).toBeNull();
    expect(parseActionArgs(schema, ['not a form'])).toBeNull();
  });

  it('takes a flat query, and refuses U+0000 in a name or a value', () => {
    const schema = z.tuple([actionArg.query]);
    expect(parseActionArgs(schema, [{ range: '12w', agent: 'codex' }])).not.toBeNull();
    expect(parseActionArgs(schema, [{ range: '12w\u0000' }])).toBeNull();
    expect(parseActionArgs(schema, [{ 'ra\u0000nge': '12w' }])).toBeNull();
  });
});
