import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { readDoc } from '@/lib/docs/files';
import { renderDoc } from '@/lib/docs/render';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ page: string }> }): Promise<Metadata> {
  const { page } = await params;
  const title = /^#\s+(.+)$/m.exec(readDoc(page) ?? '')?.[1];
  return { title: title ?? 'Docs' };
}

/** One of the project's docs (docs/<page>.md), rendered. Its text is the project's own, not user input. */
export default async function DocPage({ params }: { params: Promise<{ page: string }> }) {
  const { page } = await params;
  const markdown = readDoc(page);
  if (markdown === null) notFound();
  return (
    <>
      <p className="muted small">
        <Link href="/docs">← Docs</Link>
      </p>
      <article className="card doc" dangerouslySetInnerHTML={{ __html: renderDoc(markdown) }} />
    </>
  );
}
