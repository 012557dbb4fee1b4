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
let common: Promise<ReadonlySet<string>> | undefined;
/** Loaded on first use: decompressing the list takes long enough to slow every CLI command's start. */
const commonPasswords = () =>
  (common ??= import('@zxcvbn-ts/language-common').then(({ dictionary }) => new Set(dictionary['passwords-common'].map((word) => fold(word)))));
/** Fewer distinct characters than this is a repetition, whatever its length. */
const MIN_DISTINCT = 4;
/** A shorter email name ("al@…") is contained in too many good passwords to refuse them. */
const MIN_LOCAL_PART = 3;

export type PasswordProblem = 'length' | 'repetitive' | 'common' | 'email';

export async function passwordProblem(password: string, email?: string): Promise<PasswordProblem | null> {
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) return 'length';
  const folded = fold(password);
  if (new Set(folded).size < MIN_DISTINCT) return 'repetitive';
  const list = await commonPasswords();
  if (list.has(folded) || list.has(folded.replace(/\s+/gu, ''))) return 'common';
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
export async function assertPasswordPolicy(password: string, email?: string): Promise<void> {
  const problem = await passwordProblem(password, email);
  if (problem) throw new AppError(400, 'weak_password', DETAILS[problem]);
}

/** The form passwords are compared in: the same normalization as hashing, and no case. */
function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}
