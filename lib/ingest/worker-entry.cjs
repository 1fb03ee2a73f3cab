// Worker threads cannot take tsx through execArgv, so this entry registers it, then loads
// the TypeScript worker. The queue starts it with --conditions=react-server so that
// lib/data's `server-only` marker resolves as it does on the server.
require('tsx/cjs');
require('./worker.ts');
