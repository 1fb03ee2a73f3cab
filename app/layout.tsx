import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { SiteNav } from '@/components/SiteNav';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Loopscope', template: '%s · Loopscope' },
  description: 'Whether your AI coding-agent loops ship outcomes or just burn tokens.',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">Skip to content</a>
        <header className="site-header">
          <div className="inner">
            <a className="brand" href="/">
              Loop<span>scope</span>
            </a>
            <SiteNav />
          </div>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}
