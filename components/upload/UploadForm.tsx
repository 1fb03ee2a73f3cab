'use client';

import { useEffect, useRef, useState, type DragEvent } from 'react';
import { numberFormat, UploadResult, type Result } from './UploadResult';

type State =
  | { phase: 'idle' }
  | { phase: 'uploading'; fraction: number }
  | { phase: 'processing'; fraction: number | null; events: number }
  | { phase: 'done'; result: Result }
  | { phase: 'error'; message: string };

/** Where the browser keeps the team last uploaded to, so the form starts on it next time. */
const LAST_TEAM_KEY = 'loopscope.upload.team';

export function UploadForm({ teams }: { teams: { slug: string; name: string }[] }) {
  // No team is chosen for the user among several (the first in the list is as likely wrong as
  // any): the one they last uploaded to, else they pick one.
  const [team, setTeam] = useState(teams.length === 1 ? teams[0].slug : '');
  const [format, setFormat] = useState('auto');
  const [partial, setPartial] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [dragging, setDragging] = useState(false);
  const [state, setState] = useState<State>({ phase: 'idle' });
  const input = useRef<HTMLInputElement>(null);
  const busy = state.phase === 'uploading' || state.phase === 'processing';

  useEffect(() => {
    const last = window.localStorage.getItem(LAST_TEAM_KEY);
    if (last && teams.some((t) => t.slug === last)) setTeam(last);
  }, [teams]);

  function chooseTeam(slug: string) {
    setTeam(slug);
    window.localStorage.setItem(LAST_TEAM_KEY, slug);
  }

  function onDrop(e: DragEvent) {
    e.preventDefault();
    setDragging(false);
    const dropped = e.dataTransfer.files[0];
    if (dropped) setFile(dropped);
  }

  function upload() {
    if (!file || !team) return;
    window.localStorage.setItem(LAST_TEAM_KEY, team);
    const params = new URLSearchParams({ team, format, filename: file.name });
    if (partial) params.set('partial', '1');
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/uploads?${params}`);
    if (file.type) xhr.setRequestHeader('content-type', file.type);
    let seen = 0;
    let finished = false;
    // The answer is NDJSON: progress lines while the server works, then the result.
    const readLines = () => {
      const text = xhr.responseText;
      const end = text.lastIndexOf('\n');
      if (end < seen) return;
      for (const line of text.slice(seen, end).split('\n')) {
        if (!line.trim()) continue;
        const msg = JSON.parse(line);
        if (msg.progress) {
          const p = msg.progress;
          setState({ phase: 'processing', fraction: p.totalBytes ? p.bytesRead / p.totalBytes : null, events: p.events });
        } else if (msg.result) {
          finished = true;
          setState({ phase: 'done', result: msg.result });
        } else if (msg.error) {
          finished = true;
          setState({ phase: 'error', message: msg.error });
        }
      }
      seen = end + 1;
    };
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) setState({ phase: 'uploading', fraction: e.loaded / e.total });
    };
    xhr.upload.onload = () => setState({ phase: 'processing', fraction: 0, events: 0 });
    xhr.onprogress = readLines;
    xhr.onload = () => {
      if (xhr.getResponseHeader('content-type')?.includes('application/json')) {
        finished = true;
        let message = `upload failed (HTTP ${xhr.status})`;
        try {
          message = JSON.parse(xhr.responseText).error ?? message;
        } catch {}
        setState({ phase: 'error', message });
        return;
      }
      readLines();
      if (!finished) setState({ phase: 'error', message: `upload ended without a result (HTTP ${xhr.status})` });
    };
    xhr.onerror = () => setState({ phase: 'error', message: 'the connection to the server was lost' });
    setState({ phase: 'uploading', fraction: 0 });
    xhr.send(file);
  }

  return (
    <div className="card">
      <div className="form-row">
        <div>
          <label htmlFor="team">Team</label>
          <select id="team" value={team} onChange={(e) => chooseTeam(e.target.value)} disabled={busy}>
            {team === '' && (
              <option value="" disabled>
                Choose a team…
              </option>
            )}
            {teams.map((t) => (
              <option key={t.slug} value={t.slug}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="format">Format</label>
          <select id="format" value={format} onChange={(e) => setFormat(e.target.value)} disabled={busy}>
            <option value="auto">Detect from the file</option>
            <optgroup label="Loop events (Loopscope's own format)">
              <option value="ndjson">NDJSON (one event a line)</option>
              <option value="json">JSON array</option>
              <option value="csv">CSV</option>
            </optgroup>
            <optgroup label="Import from">
              <option value="claude-code">Claude Code transcripts (.jsonl, or a zip of a projects folder)</option>
              <option value="codex">Codex CLI rollouts (.jsonl, or a zip of sessions)</option>
              <option value="otlp">OpenTelemetry traces (OTLP/JSON)</option>
              <option value="github">GitHub webhook payloads (JSON)</option>
            </optgroup>
          </select>
        </div>
        <label className="checkbox">
          <input type="checkbox" checked={partial} onChange={(e) => setPartial(e.target.checked)} disabled={busy} />
          Store the valid events even if some are bad
        </label>
      </div>
      <div
        className={`dropzone${dragging ? ' active' : ''}`}
        role="button"
        tabIndex={0}
        aria-label="Choose a file to upload, or drop one here"
        onClick={() => input.current?.click()}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') input.current?.click();
        }}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        {file ? (
          <span>
            <strong>{file.name}</strong> · {numberFormat.format(file.size)} bytes
          </span>
        ) : (
          <span>Drop a file here, or click to choose one</span>
        )}
        <input
          ref={input}
          type="file"
          data-testid="file-input"
          accept=".ndjson,.jsonl,.json,.csv,.zip,application/json,application/x-ndjson,text/csv,application/zip"
          hidden
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </div>
      <button type="button" onClick={upload} disabled={!file || !team || busy}>
        {busy ? 'Uploading…' : 'Upload'}
      </button>
      <UploadStatus state={state} />
    </div>
  );
}

function UploadStatus({ state }: { state: State }) {
  switch (state.phase) {
    case 'idle':
      return null;
    case 'uploading':
      return <Progress label={`Uploading… ${Math.round(state.fraction * 100)} %`} fraction={state.fraction} />;
    case 'processing':
      return (
        <Progress
          label={`Checking and storing… ${numberFormat.format(state.events)} events`}
          fraction={state.fraction}
        />
      );
    case 'error':
      return (
        <p role="alert" className="status-bad" data-testid="upload-error">
          {state.message}
        </p>
      );
    case 'done':
      return <UploadResult result={state.result} />;
  }
}

function Progress({ label, fraction }: { label: string; fraction: number | null }) {
  return (
    <div aria-live="polite" style={{ marginTop: '1rem' }}>
      <div>{label}</div>
      <div
        className="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}
      >
        <div style={{ width: `${Math.round((fraction ?? 0) * 100)}%` }} />
      </div>
    </div>
  );
}
