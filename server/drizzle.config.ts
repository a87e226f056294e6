import { defineConfig } from 'drizzle-kit'

// Migrations are generated SQL, committed, and applied at start-up on PGlite and PostgreSQL alike.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './drizzle',
  casing: 'snake_case',
})
