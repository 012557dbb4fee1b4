import { dictionary } from '@zxcvbn-ts/language-common';
import { localPart } from '../../domain/email.ts';
import { AppError } from '../../errors.ts';
import { PASSWORD_MAX, PASSWORD_MIN } from './passwords.ts';

/**
 * What a new password must not be, checked offline: too short or too long, a handful of
 * characters repeated (`aaaaaaaaaa`, ten spaces, `1212121212`), one of the ~49,000 most common
 * passwords of public breach corpora (the `passwords-common` list of @zxcvbn-ts/language-common,
 * MIT), compared without regard to case or spaces, or the account's email or the name before its
 * `@`. Every refusal is 400 `weak_password`, with a detail that says which rule failed.
 */
const COMMON = new Set(dictionary['passwords-common'].map((word) => fold(word)));
/** Fewer distinct characters than this is a repetition, whatever its length. */
const MIN_DISTINCT = 4;
/** A shorter email name ("al@…") is contained in too many good passwords to refuse them. */
const MIN_LOCAL_PART = 3;

export type PasswordProblem = 'length' | 'repetitive' | 'common' | 'email';

export function passwordProblem(password: string, email?: string): PasswordProblem | null {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) return 'length';
  const folded = fold(password);
  if (new Set(folded).size < MIN_DISTINCT) return 'repetitive';
  if (COMMON.has(folded) || COMMON.has(folded.replace(/\s+/gu, ''))) return 'common';
  if (email) {
    const address = fold(email);
    const name = fold(localPart(email));
    if (folded === address || folded.includes(address) || (name.length >= MIN_LOCAL_PART && folded.includes(name))) return 'email';
  }
  return null;
}

const DETAILS: Record<PasswordProblem, string> = {
  length: `Passwords must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters long.`,
  repetitive: `Passwords need at least ${MIN_DISTINCT} different characters.`,
  common: 'That password is among the most common ones in known breaches; choose another.',
  email: 'The password must not be or contain your email address or the name before its @.',
};

/** Throws 400 `weak_password` naming the rule, for registration and `vitae user create`. */
export function assertPasswordPolicy(password: string, email?: string): void {
  const problem = passwordProblem(password, email);
  if (problem) throw new AppError(400, 'weak_password', DETAILS[problem]);
}

/** The form passwords are compared in: the same normalization as hashing, and no case. */
function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}
