import { randomBytes } from 'node:crypto';

/**
 * A credential-shaped value made when the test runs, so that no literal secret sits in the
 * repository. Tests use it wherever they need a "leaked" password or token to check masking.
 */
export function generatedSecret(prefix = 'generated'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}
