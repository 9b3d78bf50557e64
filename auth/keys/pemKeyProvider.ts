import { createPublicKey, type KeyObject } from 'node:crypto';
import fs from 'node:fs/promises';
import type { KeyProvider } from './keyProvider.ts';
import type { AsymmetricAlgorithm } from '../../core/config/keySource.ts';
import { keyFitsAlgorithm } from './keyFitsAlgorithm.ts';
import { onceUntilFailure } from './onceUntilFailure.ts';

/**
 * One public key from a PEM file (SPKI `PUBLIC KEY`, PKCS#1 `RSA PUBLIC KEY`, or a certificate), for
 * issuers that publish no JWKS. The file is read once; rotating the key means restarting the gateway.
 */
export function createPemKeyProvider(file: string, algorithm: AsymmetricAlgorithm): KeyProvider {
  const load = onceUntilFailure(() => readPublicKey(file, algorithm));
  return {
    algorithm,
    // One key, so the token's kid (if any) is irrelevant.
    keyFor: () => load(),
    load: async () => void (await load()),
  };
}

async function readPublicKey(file: string, algorithm: AsymmetricAlgorithm): Promise<KeyObject> {
  const pem = await fs.readFile(file, 'utf8');
  // A private key would work (Node derives the public half) but has no business on the gateway's disk.
  if (pem.includes('PRIVATE KEY')) {
    throw new Error(`${file} holds a private key; give the gateway only the issuer's public key`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error(`${file} does not hold a PEM public key`);
  }
  if (!keyFitsAlgorithm(key, algorithm)) {
    throw new Error(`the key in ${file} cannot verify ${algorithm} (${describeKey(key)}); check TESSERA_AUTH_ALGORITHM`);
  }
  return key;
}

function describeKey(key: KeyObject): string {
  const curve = key.asymmetricKeyDetails?.namedCurve;
  return curve ? `${key.asymmetricKeyType} ${curve}` : String(key.asymmetricKeyType);
}
