import { json, otherMethods } from '@/lib/http/responses';
import { handleGithubWebhook } from '@/lib/ingest/github-webhook';
import { ingestFileInWorker } from '@/lib/ingest/queue';

/**
 * POST /api/v1/github/webhook?team=<slug>: GitHub webhook deliveries (pull_request, issues),
 * signed with the team's webhook secret (`npm run cli -- team set <slug> --github-secret ...`).
 * See lib/ingest/github-webhook.ts.
 */
export async function POST(request: Request): Promise<Response> {
  const answer = await handleGithubWebhook(request, {
    submit: (file, job) => ingestFileInWorker(file, job, { deleteAfter: true }),
  });
  return json(answer.body, answer.status);
}

export const { GET, PUT, PATCH, DELETE } = otherMethods('POST');
