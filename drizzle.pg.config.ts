import { defineConfig } from 'drizzle-kit';

/** PostgreSQL's migrations (db/schema-pg.ts); `npm run db:generate` makes both dialects'. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema-pg.ts',
  out: './db/migrations-pg',
});
