import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { '@': fileURLToPath(new URL('./', import.meta.url)) },
  },
  test: {
    include: ['{lib,db,components,scripts,bench}/**/*.test.ts'],
    // Over ../shared/real-logs: `npm run test:real-logs` (vitest.real-logs.config.ts).
    exclude: ['**/node_modules/**', '**/*.real-logs.test.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 60_000,
    // `server-only` throws outside a React server bundle; unit tests call lib/data directly.
    server: { deps: { inline: [] } },
    alias: { 'server-only': fileURLToPath(new URL('./lib/testing/server-only-stub.ts', import.meta.url)) },
  },
});
