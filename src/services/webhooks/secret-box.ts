import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encrypts webhook signing secrets at rest. Signing needs the secret itself (an HMAC key cannot be
 * kept as a hash), so the database holds it encrypted with AES-256-GCM under a key-encryption key
 * from the configuration (`WEBHOOK_SECRETS_KEY`), which never enters the database: a leaked
 * database or backup does not leak the secrets. Each ciphertext is bound to its webhook's id (as
 * associated data), so that it cannot be copied onto another webhook.
 *
 * Stored form: `v1.<base64url 12-byte nonce>.<base64url ciphertext and 16-byte tag>`.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(keyMaterial: string) {
    // The configured value is any string of at least 32 bytes; HKDF turns it into an AES key.
    this.key = Buffer.from(hkdfSync('sha256', keyMaterial, Buffer.alloc(0), 'vitae webhook secrets v1', 32));
  }

  seal(plaintext: string, boundTo: string): string {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(boundTo));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${nonce.toString('base64url')}.${sealed.toString('base64url')}`;
  }

  /** Throws when the value was sealed under another key or for another id. */
  open(stored: string, boundTo: string): string {
    const [version, nonce, sealed] = stored.split('.');
    if (version !== 'v1' || !nonce || !sealed) throw new Error('unknown webhook secret format');
    const bytes = Buffer.from(sealed, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(nonce, 'base64url'));
    decipher.setAAD(Buffer.from(boundTo));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    try {
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('the signing secret cannot be decrypted: WEBHOOK_SECRETS_KEY is not the key it was stored with');
    }
  }
}

/** A new signing secret: 32 random bytes, in the `whsec_` form receivers already know. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
