/**
 * Email addresses as accounts see them. Two spellings that render the same must be one account:
 * the address is NFKC-normalized (full-width letters, ligatures and composed accents fold to one
 * form), trimmed, and its domain lowercased (domains are case-insensitive; the local part is kept
 * as typed, and accounts compare it case-insensitively). Invisible format characters (Unicode
 * category Cf: zero-width spaces and joiners, U+2060 word joiner, U+FEFF, bidi controls, soft
 * hyphen) and control characters are refused rather than stripped: an address that contains them
 * is not the address its owner reads, and silently removing them would let a look-alike claim
 * another person's invitation.
 */

/** Deliberately loose (one @, a dot in the domain, no spaces): the only real check is a mail that arrives. */
const SHAPE = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/u;
const INVISIBLE_OR_CONTROL = /[\p{Cf}\p{Cc}]/u;

export type EmailCheck = { ok: true; email: string } | { ok: false; reason: 'invisible_characters' | 'shape' };

export function checkEmail(raw: string): EmailCheck {
  const normalized = raw.normalize('NFKC').trim();
  if (INVISIBLE_OR_CONTROL.test(normalized)) return { ok: false, reason: 'invisible_characters' };
  if (!SHAPE.test(normalized)) return { ok: false, reason: 'shape' };
  return { ok: true, email: canonicalEmail(normalized) };
}

/**
 * The form an address is stored and looked up in, without judging it: logins use it so that an
 * address typed in another normalization finds its account, and a malformed one simply finds none.
 */
export function canonicalEmail(raw: string): string {
  const normalized = raw.normalize('NFKC').trim();
  const at = normalized.lastIndexOf('@');
  return at < 0 ? normalized : normalized.slice(0, at + 1) + normalized.slice(at + 1).toLowerCase();
}

/** The part before the last `@`, for password rules ("the password contains your email's name"). */
export function localPart(email: string): string {
  const at = email.lastIndexOf('@');
  return at < 0 ? email : email.slice(0, at);
}
