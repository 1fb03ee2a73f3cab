/** Where the real agents' logs are (`LOOPSCOPE_REAL_LOGS`, else `../shared/real-logs` beside the clone). */
import path from 'node:path';

export function realLogsDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.LOOPSCOPE_REAL_LOGS || path.join(__dirname, '..', '..', 'shared', 'real-logs'));
}
