/**
 * The project's docs (docs/*.md) as HTML for the in-app docs pages: GitHub-style heading anchors
 * (`## The verdict` → `#the-verdict`), and links between the docs pointed at their pages here
 * (`kpis.md#flags` → `/docs/kpis#flags`). Pure; marked does the Markdown.
 */
import { Marked, type Tokens } from 'marked';

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

/** A doc's link as seen from /docs/<page>: other docs by page name, the README's own sections kept out. */
export function docHref(href: string): string {
  const m = /^(?:\.\/)?([a-z0-9-]+)\.md(#.*)?$/i.exec(href);
  return m ? `/docs/${m[1].toLowerCase()}${m[2] ?? ''}` : href;
}

const plainText = (raw: string) => raw.replace(/[`*_]/g, '');

export function renderDoc(markdown: string): string {
  const marked = new Marked({ gfm: true });
  const seen = new Map<string, number>();
  marked.use({
    renderer: {
      heading(this: { parser: { parseInline(tokens: Tokens.Generic[]): string } }, token: Tokens.Heading) {
        const base = headingSlug(plainText(token.text));
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        const id = n === 0 ? base : `${base}-${n}`;
        return `<h${token.depth} id="${id}">${this.parser.parseInline(token.tokens)}</h${token.depth}>\n`;
      },
    },
    walkTokens(token) {
      if (token.type === 'link') token.href = docHref(token.href);
    },
  });
  return marked.parse(markdown, { async: false }) as string;
}
