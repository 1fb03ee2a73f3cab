import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Conformance tests over files the real tools wrote (../shared/real-logs, or
 * LOOPSCOPE_REAL_LOGS_DIR): `npm run test:real-logs`, which .ci/run calls; not part of `npm test`,
 * since a clone of the project alone does not have them.
 */
export default defineConfig({
  resolve: {
    alias: { '@': fileURLToPath(new URL('./', import.meta.url)) },
  },
  test: {
    include: ['lib/**/*.real-logs.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    alias: { 'server-only': fileURLToPath(new URL('./lib/testing/server-only-stub.ts', import.meta.url)) },
  },
});
