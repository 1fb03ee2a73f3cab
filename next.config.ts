import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // better-sqlite3 is a native addon: load it from node_modules at run time. postgres (the
  // PostgreSQL driver), @grpc/grpc-js and the generated OTLP protobuf code are plain Node packages:
  // load them as they are.
  serverExternalPackages: ['better-sqlite3', 'postgres', '@grpc/grpc-js', 'protobufjs', '@opentelemetry/otlp-transformer'],
  poweredByHeader: false,
  // A separate build folder lets a benchmark or test build run beside a developer's own.
  distDir: process.env.LOOPSCOPE_DIST_DIR || '.next',
  // The tsx-run ingest worker reads these from disk at run time; the docs pages read docs/*.md.
  outputFileTracingIncludes: {
    '/*': ['./db/migrations/**/*', './db/migrations-pg/**/*', './db/**/*.ts', './lib/**/*.ts', './lib/**/*.cjs'],
    '/docs/*': ['./docs/*.md'],
  },
};

export default nextConfig;
