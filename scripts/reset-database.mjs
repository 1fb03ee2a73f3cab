#!/usr/bin/env node
/**
 * Empties the database a test server is about to start on: `node scripts/reset-database.mjs <dir>`
 * deletes the folder `dir` (its SQLite file, its spooled uploads) and, when DATABASE_URL names a
 * PostgreSQL database, drops and re-creates that database (through the server's `postgres`
 * database). Used by the end-to-end suite's server commands (playwright.config.ts).
 */
import fs from 'node:fs';
import postgres from 'postgres';

const [dir] = process.argv.slice(2);
if (!dir) {
  console.error('usage: node scripts/reset-database.mjs <dir>');
  process.exit(2);
}
fs.rmSync(dir, { recursive: true, force: true });
const url = process.env.DATABASE_URL?.trim();
if (url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`refusing to reset database '${name}': not a test database name`);
  target.pathname = '/postgres';
  const admin = postgres(target.toString(), { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
}
