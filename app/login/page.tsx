import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import { LoginForm } from '@/components/auth/LoginForm';
import { safeNextPath, sessionViewer } from '@/lib/auth/viewer';

export const metadata: Metadata = { title: 'Sign in', robots: { index: false } };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const query = await searchParams;
  const next = safeNextPath(typeof query.next === 'string' ? query.next : '/');
  if (await sessionViewer()) redirect(next);
  return (
    <div className="narrow">
      <h1>Sign in</h1>
      <p className="lede">Sign in with the e-mail and password an admin gave you.</p>
      <LoginForm next={next} />
      <p className="muted small">
        First start? The server log shows the demo admin&apos;s password, or a one-time setup link for an empty
        installation (see the README, “First sign-in”).
      </p>
    </div>
  );
}
