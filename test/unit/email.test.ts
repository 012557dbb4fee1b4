import { describe, expect, it } from 'vitest';
import { canonicalEmail, checkEmail } from '../../src/domain/email.ts';

describe('emails', () => {
  it('trims, NFKC-normalizes and lowercases the domain, keeping the local part as typed', () => {
    expect(checkEmail('  Jane.Doe@Example.COM ')).toEqual({ ok: true, email: 'Jane.Doe@example.com' });
    expect(checkEmail('\uff4a\uff41\uff4e\uff45@example.com')).toEqual({ ok: true, email: 'jane@example.com' });
    expect(checkEmail('jose\u0301@example.com')).toEqual({ ok: true, email: 'jos\u00e9@example.com' });
  });

  it('refuses invisible format and control characters anywhere', () => {
    for (const invisible of ['\u200b', '\u2060', '\ufeff', '\u200d', '\u202e', '\u00ad', '\u0000', '\u0007']) {
      expect(checkEmail(`ja${invisible}ne@example.com`)).toEqual({ ok: false, reason: 'invisible_characters' });
      expect(checkEmail(`jane@exa${invisible}mple.com`)).toEqual({ ok: false, reason: 'invisible_characters' });
    }
    expect(checkEmail('\u200bjane@example.com')).toEqual({ ok: false, reason: 'invisible_characters' });
  });

  it('refuses what is not shaped like an address', () => {
    for (const bad of ['jane', 'jane@', '@example.com', 'jane@example', 'ja ne@example.com', 'a@b@example.com'])
      expect(checkEmail(bad), bad).toEqual({ ok: false, reason: 'shape' });
  });

  it('gives the lookup form of any input without judging it', () => {
    expect(canonicalEmail(' Jane@EXAMPLE.com')).toBe('Jane@example.com');
    expect(canonicalEmail('no at sign')).toBe('no at sign');
  });
});
