/**
 * A query parameter that may be given at most once: its value (undefined when absent), or the
 * refusal naming it. Two values would leave the answer to a guess about which one counts.
 */
export function singleParam(params: URLSearchParams, name: string): { ok: true; value: string | undefined } | { ok: false; field: string; error: string } {
  const values = params.getAll(name);
  if (values.length > 1) return { ok: false, field: name, error: `${name} may be given once` };
  return { ok: true, value: values[0] };
}
