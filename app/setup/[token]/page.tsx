import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { connection } from 'next/server';
import { SetupForm } from '@/components/auth/SetupForm';
import { getDb } from '@/lib/data/connection';
import { setupLinkUsable } from '@/lib/data/sessions';

export const metadata: Metadata = { title: 'Set up', robots: { index: false }, referrer: 'no-referrer' };

/** The one-time setup link the server prints when it starts without any account. */
export default async function SetupPage({ params }: { params: Promise<{ token: string }> }) {
  await connection();
  const { token } = await params;
  if (!(await setupLinkUsable(token, Date.now(), await getDb()))) notFound();
  return (
    <div className="narrow">
      <h1>Set up Loopscope</h1>
      <p className="lede">Nobody has an account yet. Create the first one: it will be an admin, who can then add teams and people.</p>
      <SetupForm token={token} />
    </div>
  );
}
