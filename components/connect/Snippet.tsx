'use client';

import { useState } from 'react';

/** A block of configuration to paste, with a button that copies it (and says so). */
export function Snippet({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('yes');
    } catch {
      setCopied('no'); // no clipboard (plain http, or refused): the text is selectable
    }
  };
  return (
    <div className="snippet" data-testid={testId}>
      <div className="snippet-bar">
        <span className="small muted">{label}</span>
        <button type="button" className="secondary" onClick={copy} aria-label={`Copy ${label}`}>
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
      </div>
      <pre tabIndex={0}>
        <code>{text}</code>
      </pre>
      {copied === 'no' && <p className="small status-bad">The browser refused the clipboard: select the text and copy it.</p>}
    </div>
  );
}
