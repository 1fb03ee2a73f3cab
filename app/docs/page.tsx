import type { Metadata } from 'next';
import Link from 'next/link';
import { listDocs } from '@/lib/docs/files';

export const metadata: Metadata = { title: 'Docs' };
export const dynamic = 'force-dynamic';

/**
 * The project's docs, as shipped with this installation. Open without signing in (README, First
 * sign-in): the text is the repository's own and names no team.
 */
export default function DocsIndex() {
  const docs = listDocs();
  return (
    <>
      <h1>Docs</h1>
      <p className="lede">How Loopscope measures, what its API answers and what it reads: the documents shipped with this installation.</p>
      <ul className="card doc-list" data-testid="doc-list">
        {docs.map((d) => (
          <li key={d.name}>
            <Link href={`/docs/${d.name}`}>{d.title}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}
