/** The project's docs on disk (docs/*.md beside the app), by page name: `kpis` is docs/kpis.md. */
import 'server-only';
import fs from 'node:fs';
import path from 'node:path';

const DOCS_DIR = path.join(process.cwd(), 'docs');
const PAGE = /^[a-z0-9-]+$/;

export interface DocPage {
  name: string;
  /** The first heading. */
  title: string;
}

/** Every doc page, titled by its first heading, by name. */
export function listDocs(): DocPage[] {
  let files: string[];
  try {
    files = fs.readdirSync(DOCS_DIR);
  } catch {
    return [];
  }
  return files
    .filter((f) => f.endsWith('.md') && PAGE.test(f.slice(0, -3)))
    .map((f) => {
      const name = f.slice(0, -3);
      return { name, title: /^#\s+(.+)$/m.exec(readDoc(name) ?? '')?.[1] ?? name };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The Markdown of docs/<name>.md; null when there is no such page (or the name is not one). */
export function readDoc(name: string): string | null {
  if (!PAGE.test(name)) return null;
  try {
    return fs.readFileSync(path.join(DOCS_DIR, `${name}.md`), 'utf8');
  } catch {
    return null;
  }
}
