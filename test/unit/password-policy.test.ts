import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../src/services/auth/password-policy.ts';

describe('password policy', () => {
  it('refuses passwords outside 10 to 256 characters', async () => {
    expect(await passwordProblem('nine char')).toBe('length');
    expect(await passwordProblem('p'.repeat(257))).toBe('length');
  });

  it('refuses a handful of characters repeated, spaces included', async () => {
    for (const password of [' '.repeat(10), 'aaaaaaaaaa', '1212121212', 'abcabcabca', 'AaAaAaAaAa'])
      expect(await passwordProblem(password), password).toBe('repetitive');
  });

  it('refuses common breached passwords whatever their case, spacing or Unicode form', async () => {
    for (const password of [
      'password12',
      '1234567890',
      'Password12',
      'QWERTYUIOP',
      'iloveyou12',
      'password 123',
      '\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44\uff11\uff12',
    ]) {
      expect(await passwordProblem(password), password).toBe('common');
    }
  });

  it('refuses the email, and anything containing the name before its @', async () => {
    expect(await passwordProblem('jane.doe@example.com', 'jane.doe@example.com')).toBe('email');
    expect(await passwordProblem('JANE.DOE@EXAMPLE.COM', 'jane.doe@example.com')).toBe('email');
    expect(await passwordProblem('my Jane.Doe 2024!', 'jane.doe@example.com')).toBe('email');
    // A one- or two-letter name is inside too many good passwords to refuse them for it.
    expect(await passwordProblem('orbital mechanics 1962', 'al@example.com')).toBeNull();
  });

  it('accepts a long, uncommon password', async () => {
    expect(await passwordProblem('correct horse battery staple', 'jane.doe@example.com')).toBeNull();
    expect(await passwordProblem('orbital mechanics 1962')).toBeNull();
  });
});
