import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { '@': fileURLToPath(new URL('./', import.meta.url)) },
  },
  test: {
    include: ['{lib,db,components,scripts,bench}/**/*.test.ts'],
    environment: 'node',
    pool: 'forks',
    // One test file per core: vitest's default leaves one core free, which on a 2-core machine
    // runs the files one at a time. Each file still gets a fresh process (isolation).
    maxWorkers: os.availableParallelism(),
    testTimeout: 60_000,
    // Cheap password hashes: the suites make hundreds of accounts (lib/config.ts passwordCost).
    env: { LOOPSCOPE_PASSWORD_COST: '12' },
    // `server-only` throws outside a React server bundle; unit tests call lib/data directly.
    server: { deps: { inline: [] } },
    alias: { 'server-only': fileURLToPath(new URL('./lib/testing/server-only-stub.ts', import.meta.url)) },
  },
});
