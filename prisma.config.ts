import { defineConfig } from "prisma/config";

// Only `prisma generate` and the optional `prisma migrate status|deploy` read this file;
// kam itself applies migrations (src/db/migrate.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/kam" },
});
