/**
 * OTLP values in plain form, from either encoding: OTLP/JSON (ids as hex, int64 as a string or a
 * number) and decoded protobuf (ids as bytes, int64 as a decimal string; proto.ts TO_OBJECT).
 */

export type Attrs = Map<string, unknown>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

/** A `KeyValue` list → map of plain values. */
export function attributes(list: unknown): Attrs {
  const m: Attrs = new Map();
  if (!Array.isArray(list)) return m;
  for (const kv of list) {
    if (isObject(kv) && typeof kv.key === 'string') m.set(kv.key, anyValue(kv.value));
  }
  return m;
}

/** An `AnyValue` → a plain value; int64 becomes a number when it is a safe integer. */
export function anyValue(v: unknown): unknown {
  if (!isObject(v)) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('intValue' in v) {
    const i = v.intValue;
    if (typeof i === 'number') return i;
    if (typeof i === 'string' && /^-?[0-9]+$/.test(i)) {
      const n = Number(i);
      return Number.isSafeInteger(n) ? n : i;
    }
    return i;
  }
  if ('doubleValue' in v) return typeof v.doubleValue === 'string' ? Number(v.doubleValue) : v.doubleValue;
  if ('boolValue' in v) return v.boolValue;
  if ('arrayValue' in v) return isObject(v.arrayValue) && Array.isArray(v.arrayValue.values) ? v.arrayValue.values.map(anyValue) : [];
  if ('kvlistValue' in v) return isObject(v.kvlistValue) ? Object.fromEntries(attributes(v.kvlistValue.values)) : {};
  if ('bytesValue' in v) return v.bytesValue instanceof Uint8Array ? Buffer.from(v.bytesValue).toString('base64') : v.bytesValue;
  return undefined;
}

/** A trace or span id: hex in OTLP/JSON, bytes in protobuf; lower-case hex, '' when absent. */
export function hexId(v: unknown): string | undefined {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (typeof v === 'string') return v.toLowerCase();
  if (v === undefined || v === null) return '';
  return undefined;
}

/** Nanoseconds since the epoch (a decimal string or a number) → milliseconds; undefined when not one. */
export function nanosToMs(v: unknown): number | undefined {
  let s: string;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) s = BigInt(Math.trunc(v)).toString();
  else if (typeof v === 'string' && /^[0-9]{1,30}$/.test(v)) s = v;
  else return undefined;
  const ms = Number(BigInt(s) / 1_000_000n);
  return Number.isSafeInteger(ms) ? ms : undefined;
}

/** A token count: an integer, or its decimal string (Claude Code and Codex send strings). */
export function intOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^-?[0-9]{1,15}$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** A number, or its decimal string. */
export function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** A boolean, or `"true"` / `"false"`. */
export function boolOf(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

export function strOf(v: unknown): string | undefined {
  if (typeof v === 'string' && v.length > 0) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}
