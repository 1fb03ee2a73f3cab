// The Loopscope HTTP server: Next's production server behind a node:http server of our own
// (Next's "custom server"), started by `npm start` and by the test suites instead of `next start`.
//
// It exists for one thing Next does not give route handlers or server actions: the TCP peer's
// address. Each request's `x-loopscope-peer-address` header is set here from the socket,
// replacing whatever a client sent, and globalThis is marked so the app knows the header is
// ours (lib/http/client-address.ts). Otherwise it does what `next start` does: `-p/--port`
// (or PORT, default 3000), `-H/--hostname` (or HOSTNAME, default all interfaces); a start that
// fails (its first /api/health check) exits with 1; and on
// SIGTERM/SIGINT it stops accepting connections, lets the requests in flight finish, closes
// Next and exits (143/130); the app's own handler (lib/server/shutdown.ts) drains uploads.
import http from 'node:http';
import path from 'node:path';
import next from 'next';

const PEER_ADDRESS_HEADER = 'x-loopscope-peer-address';
globalThis[Symbol.for('loopscope.peerAddressHeader')] = true;

function option(names, fallback) {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].split('=', 2);
    if (names.includes(name)) return inline ?? args[i + 1];
  }
  return fallback;
}

process.env.NODE_ENV ??= 'production';
process.env.NEXT_TELEMETRY_DISABLED ??= '1';
const port = Number(option(['-p', '--port'], process.env.PORT || '3000'));
const hostname = option(['-H', '--hostname'], process.env.HOSTNAME || undefined);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Loopscope: the port must be a number from 0 to 65535, not '${port}'`);
  process.exit(1);
}
// As `next start` does, so the app's own view of where it listens (lib/config.ts localBaseUrl) is this one.
process.env.PORT = String(port);
if (hostname !== undefined) process.env.HOSTNAME = hostname;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const app = next({ dev: false, dir: root, hostname: hostname ?? 'localhost', port });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((req, res) => {
  req.headers[PEER_ADDRESS_HEADER] = req.socket.remoteAddress ?? '';
  handle(req, res).catch((err) => {
    console.error(`Loopscope: failed to handle ${req.method} ${req.url?.split('?')[0]}:`, err);
    if (!res.headersSent) res.statusCode = 500;
    res.end();
  });
});
// Idle keep-alive connections are kept longer than clients and load balancers keep theirs
// (Node's default is 5 s): otherwise a client may reuse a connection just as the server closes it,
// and its request fails with a reset.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.on('error', (err) => {
  console.error(`Loopscope: cannot listen on ${hostname ?? '*'}:${port}: ${err.message}`);
  process.exit(1);
});
// Next logs a failed start (the instrumentation hook: migrations, LOOPSCOPE_* settings) and
// then answers every request 500; here the first health check decides, and a failure exits.
server.listen(port, hostname, async () => {
  const { address, port: actual } = server.address();
  const local = ['0.0.0.0', '::'].includes(address) ? '127.0.0.1' : address.includes(':') ? `[${address}]` : address;
  try {
    const res = await fetch(`http://${local}:${actual}/api/health`);
    if (res.status !== 200) throw new Error(`/api/health answered ${res.status}`);
  } catch (err) {
    console.error(`Loopscope: the server did not start (${err.message}); the error above says why`);
    process.exit(1);
  }
  const shown = hostname && !['0.0.0.0', '::'].includes(hostname) ? hostname : 'localhost';
  console.log(`Loopscope: listening on http://${shown.includes(':') ? `[${shown}]` : shown}:${actual}`);
});

let stopping = false;
for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close(() => {
      app.close().finally(() => process.exit(code));
    });
  });
}
