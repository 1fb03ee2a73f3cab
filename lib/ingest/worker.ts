/**
 * The ingest worker: one thread, one connection, one job at a time. better-sqlite3 is
 * synchronous, so parsing and storing a large upload here keeps the request thread free;
 * WAL lets that thread go on reading while this one writes.
 */
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { getDb } from '@/lib/data/connection';
import { applyWrite } from '@/lib/data/writes';
import { ingestFile } from './ingest';
import type { WorkerJob, WorkerReply } from './messages';

const port = parentPort!;
const post = (reply: WorkerReply) => port.postMessage(reply);
let queue: Promise<void> = Promise.resolve();

port.on('message', (job: WorkerJob) => {
  queue = queue.then(() => run(job));
});

async function run(job: WorkerJob): Promise<void> {
  try {
    const db = getDb();
    if (job.kind === 'write') {
      const result = applyWrite(db, job.operation);
      post({ kind: 'done', jobId: job.jobId, result: result ?? null });
      return;
    }
    try {
      // A zip archive is read as the files it holds (lib/importers/sources.ts).
      const result = await ingestFile(db.$client, job.file, job.request, (progress) =>
        post({ kind: 'progress', jobId: job.jobId, progress }),
      );
      post({ kind: 'done', jobId: job.jobId, result });
    } finally {
      if (job.deleteAfter) fs.rm(job.file, { force: true }, () => {});
    }
  } catch (err) {
    const e = err as Error & { code?: string };
    post({ kind: 'failed', jobId: job.jobId, message: e.message, code: e.code ?? null });
  }
}
