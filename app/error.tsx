'use client';

/** Shown instead of a stack trace when a page fails; the digest matches the server log line. */
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="card empty" role="alert">
      <h2>This page could not be shown</h2>
      <p>Something went wrong on the server. Try again; if it keeps failing, the server log has the details.</p>
      {error.digest && (
        <p className="muted">
          Reference: <code>{error.digest}</code>
        </p>
      )}
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
