import { createHash } from 'node:crypto';

/** A short one-way digest of a secret, to compare destinations without keeping the secret around. */
export function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}
