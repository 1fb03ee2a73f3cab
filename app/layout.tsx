import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { SiteUser } from '@/components/auth/SiteUser';
import { SiteNav } from '@/components/SiteNav';
import { sessionViewer } from '@/lib/auth/viewer';
import './globals.css';
import './accounts.css';

export const metadata: Metadata = {
  title: { default: 'Loopscope', template: '%s · Loopscope' },
  description: 'Whether your AI coding-agent loops ship outcomes or just burn tokens.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const viewer = await sessionViewer();
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">Skip to content</a>
        <header className="site-header">
          <div className="inner">
            <a className="brand" href="/">
              Loop<span>scope</span>
            </a>
            {viewer && <SiteNav />}
            {viewer && <SiteUser viewer={viewer} />}
          </div>
        </header>
        {/* Focusable so the skip link moves the keyboard focus here, not just the scroll position. */}
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        {viewer && (
          <footer className="site-footer">
            <a href="/docs">Docs: how every figure is made</a>
          </footer>
        )}
      </body>
    </html>
  );
}
