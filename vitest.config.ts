import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships ESM (.mjs) and CJS builds. Node (and so `npm start`) gives our code and Apollo's
    // CJS packages the same CJS instance; Vite would hand our code the ESM one, and graphql-js
    // refuses types from "another realm". Resolve it the way Node does.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Suites start whole gateways and seed databases; keep them off each other's CPU on 2 cores.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
