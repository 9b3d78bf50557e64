import type { KeyObject } from 'node:crypto';
import type { AsymmetricAlgorithm } from '../../core/config/keySource.ts';

/** Whether a public key can verify `algorithm`: an RSA key for RS256, an EC P-256 key for ES256. */
export function keyFitsAlgorithm(key: KeyObject, algorithm: AsymmetricAlgorithm): boolean {
  if (key.type !== 'public') return false;
  switch (algorithm) {
    case 'RS256':
      return key.asymmetricKeyType === 'rsa';
    case 'ES256':
      return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  }
}
