import { singleParam } from './query';

/**
 * `?partial=`: store the valid events and list the rest (api-v1.md). `1` or `true` asks for it,
 * `0` or `false` (or no parameter) does not. Any other value is an error naming the parameter:
 * taking `partial=yes` as "no" would refuse a whole file its sender meant to store in part.
 */
export function parsePartialParam(params: URLSearchParams): { ok: true; partial: boolean } | { ok: false; error: string } {
  const one = singleParam(params, 'partial');
  if (!one.ok) return { ok: false, error: one.error };
  const value = one.value;
  if (value === undefined) return { ok: true, partial: false };
  if (value === '1' || value === 'true') return { ok: true, partial: true };
  if (value === '0' || value === 'false') return { ok: true, partial: false };
  return { ok: false, error: `partial must be 1 or true (or 0 or false); got ${JSON.stringify(value.slice(0, 80))}` };
}
