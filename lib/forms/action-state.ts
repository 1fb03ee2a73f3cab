/** What a form's server action answers (client-safe: no server imports). */
export type ActionState = {
  ok: boolean;
  message: string;
  /** Something shown once and never again (a new token or share link). */
  secret?: string;
  /** Per-field problems, by input name. */
  fields?: Record<string, string>;
  /** What the form sent that it should show again after a refusal (never a password). */
  values?: Record<string, string>;
} | null;
