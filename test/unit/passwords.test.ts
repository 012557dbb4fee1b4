import { describe, expect, it } from 'vitest';
import { CURRENT_PARAMS, hashPassword, needsRehash, verifyPassword } from '../../src/services/auth/passwords.ts';

describe('passwords', () => {
  it('stores the scheme, the parameters, a random salt and the hash', async () => {
    const [a, b] = [await hashPassword('correct horse battery'), await hashPassword('correct horse battery')];
    expect(a).toMatch(new RegExp(`^scrypt\\$${CURRENT_PARAMS.N}\\$${CURRENT_PARAMS.r}\\$${CURRENT_PARAMS.p}\\$[\\w-]{22}\\$[\\w-]{43}$`));
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
  });

  it('verifies the right password only', async () => {
    const stored = await hashPassword('correct horse battery');
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('treats composed and decomposed accents as the same password', async () => {
    const stored = await hashPassword('mot de passe d\u00e9j\u00e0 vu');
    expect(await verifyPassword('mot de passe de\u0301ja\u0300 vu', stored)).toBe(true);
  });

  it('verifies hashes made with older parameters and asks for them to be upgraded', async () => {
    const old = await hashPassword('correct horse battery', { N: 2 ** 12, r: 8, p: 1 });
    expect(await verifyPassword('correct horse battery', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
    expect(needsRehash(await hashPassword('correct horse battery'))).toBe(false);
  });

  it('refuses, without throwing, hashes it cannot read', async () => {
    for (const stored of [
      '',
      'plain',
      'bcrypt$10$x$y',
      'scrypt$abc$8$1$c2FsdA$aGFzaA',
      'scrypt$3$8$1$c2FsdA$aGFzaA',
      'scrypt$16384$8$1$c2FsdA',
      'scrypt$16384$8$1$c2FsdA$aGFzaA$extra',
    ]) {
      expect(await verifyPassword('whatever password', stored)).toBe(false);
      expect(needsRehash(stored)).toBe(true);
    }
  });
});
