import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** The conformance suite over ../shared/real-logs (`npm run test:conformance`, scripts/conformance.mjs). */
export default defineConfig({
  resolve: {
    alias: { '@': fileURLToPath(new URL('./', import.meta.url)) },
  },
  test: {
    include: ['conformance/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 120_000,
    alias: { 'server-only': fileURLToPath(new URL('./lib/testing/server-only-stub.ts', import.meta.url)) },
  },
});
