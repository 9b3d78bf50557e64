/**
 * What production needs on top of an otherwise empty environment (docs/production.md#a-minimal-production-environment):
 * the tests that load a production configuration start from it.
 */
export const PRODUCTION_ENV = {
  TESSERA_ENV: 'production',
  TESSERA_AUTH_JWKS_URL: 'https://id.example.com/.well-known/jwks.json',
  TESSERA_AUTH_ISSUER: 'https://id.example.com/',
  TESSERA_AUTH_AUDIENCE: 'tessera-api',
  // 32 random base64 characters, as `openssl rand -base64 24` prints them.
  TESSERA_INTERNAL_SECRET: 'q7Xv2LmN9pR4sT8wYb3Zc6Hd1Jf5Kg0A',
  TESSERA_METRICS_TOKEN: 'metrics-scraper-token-7f3a9c',
} as const;
