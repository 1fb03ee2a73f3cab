/** The installation's price table, loaded once per process (again only if LOOPSCOPE_PRICES_FILE names another file). */
import { loadPriceTable, type PriceTable } from '@/lib/pricing/lookup';

let loaded: { file: string; table: PriceTable } | undefined;

export function priceTable(): PriceTable {
  const file = process.env.LOOPSCOPE_PRICES_FILE?.trim() ?? '';
  if (!loaded || loaded.file !== file) loaded = { file, table: loadPriceTable() };
  return loaded.table;
}
