/**
 * Where the keys that sign client tokens come from. Each source allows exactly one algorithm, fixed by
 * configuration and never taken from a token: letting the token's `alg` header choose is what makes
 * `alg: none` and RS256→HS256 confusion attacks possible.
 */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'ES256'] as const;
export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

/** The algorithms a key source can pin: the asymmetric ones, plus HS256 for the development key. */
export type SigningAlgorithm = AsymmetricAlgorithm | 'HS256';

export type KeySource =
  /** An identity provider's JSON Web Key Set, fetched over HTTPS and cached by `kid`. */
  | { readonly kind: 'jwks'; readonly url: string; readonly algorithm: AsymmetricAlgorithm }
  /** One public key in a PEM file, read when the verifier starts. */
  | { readonly kind: 'pem'; readonly file: string; readonly algorithm: AsymmetricAlgorithm }
  /** A random HS256 secret generated into `keyFile` on first use: development only (`npm run token`). */
  | { readonly kind: 'dev'; readonly keyFile: string };
