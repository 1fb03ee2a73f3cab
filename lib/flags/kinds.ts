/** The flag kinds of kpis-v1.md, in the order pages and alerts list them, with their labels. */
import type { FlagKind } from './flags';

export const FLAG_KINDS: readonly FlagKind[] = ['burn_without_outcome', 'stalled', 'chatter', 'divergence'];

export const FLAG_KIND_LABELS: Record<FlagKind, string> = {
  burn_without_outcome: 'Burn without outcome',
  stalled: 'Stalled',
  chatter: 'Chatter',
  divergence: 'Divergence',
};

export function isFlagKind(value: string): value is FlagKind {
  return (FLAG_KINDS as readonly string[]).includes(value);
}
