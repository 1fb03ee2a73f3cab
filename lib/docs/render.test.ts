import { describe, expect, it } from 'vitest';
import { docHref, headingSlug, renderDoc } from './render';

describe('renderDoc', () => {
  it('gives headings GitHub’s anchors, numbering repeats', () => {
    const html = renderDoc('# KPIs and flags\n\n## The verdict\n\ntext\n\n## Window and "as of"\n\n## The verdict\n');
    expect(html).toContain('<h1 id="kpis-and-flags">KPIs and flags</h1>');
    expect(html).toContain('<h2 id="the-verdict">The verdict</h2>');
    expect(html).toContain('<h2 id="window-and-as-of">Window and &quot;as of&quot;</h2>');
    expect(html).toContain('<h2 id="the-verdict-1">');
  });

  it('points links between the docs at their pages here, and leaves others alone', () => {
    const html = renderDoc('See [the API](api.md), [flags](kpis.md#flags) and [the site](https://example.org/x.md).');
    expect(html).toContain('href="/docs/api"');
    expect(html).toContain('href="/docs/kpis#flags"');
    expect(html).toContain('href="https://example.org/x.md"');
  });

  it('renders tables and code', () => {
    const html = renderDoc('| a | b |\n|---|---|\n| 1 | 2 |\n\n```sh\ncurl x\n```\n');
    expect(html).toContain('<table>');
    expect(html).toContain('<code class="language-sh">curl x');
  });
});

describe('helpers', () => {
  it('slugs and hrefs', () => {
    expect(headingSlug('Flags: busy but not converging')).toBe('flags-busy-but-not-converging');
    expect(headingSlug('`mergedChanges` per week')).toBe('mergedchanges-per-week');
    expect(docHref('./pricing.md')).toBe('/docs/pricing');
    expect(docHref('#local')).toBe('#local');
  });
});
