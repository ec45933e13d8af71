import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'data/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real servers (InfluxDB, nginx, Redis) on free ports; forks keep
    // native modules (better-sqlite3, tfjs wasm) isolated per file.
    pool: 'forks',
  },
});
