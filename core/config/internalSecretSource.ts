import type { Secret } from './secret.ts';

/** Where the secret shared by the gateway and the subgraphs (for `x-tessera-principal`) comes from. */
export type InternalSecretSource =
  /** `TESSERA_INTERNAL_SECRET`, set by the operator. */
  | { readonly kind: 'value'; readonly secret: Secret }
  /** Development: generated into the data folder on first use, shared by processes using that folder. */
  | { readonly kind: 'dev'; readonly keyFile: string };
