import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Suites start whole gateways and seed databases; keep them off each other's CPU on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
