/**
 * Repairs of e-mail addresses and profile links as OCR misreads them, applied to OCR text only: a
 * text layer says what the author typed, a page image only what Tesseract saw. Only what has a
 * single reading is changed — spaces that OCR put around "@" and the dots of a domain
 * ("jane @ gmail . com"), "©" or "®" read for "@" before a domain ("Q" before a mailbox provider's), a comma read for the dot
 * before a top-level domain, the name of a well-known mailbox provider with look-alike characters
 * ("gmai1.com", "grnail.com", "gmail.corn"), and in links to well-known profile hosts the spaces
 * around slashes ("linkedin.com /in /jane") and a lost dot ("jane.githubio"). Local parts and
 * handles are never touched: "jane1" and "janel" are both possible.
 */
export function repairOcrText(text: string): string {
  return repairOcrLinks(repairOcrEmails(text));
}

/** Mailbox providers whose names OCR misreads; a look-alike of one of them can only be it. */
const PROVIDERS = [
  'gmail.com',
  'googlemail.com',
  'hotmail.com',
  'outlook.com',
  'yahoo.com',
  'icloud.com',
  'protonmail.com',
  'proton.me',
  'live.com',
  'aol.com',
];

const LOCAL = String.raw`[\p{L}\p{N}._%+-]*[\p{L}\p{N}]`;
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?`;
/** A domain whose dots OCR may have spaced or read as commas: "gmail . com", "tum,de". */
const SPACED_DOMAIN = String.raw`${LABEL}(?:\s?[.,]\s?${LABEL})*\s?[.,]\s?\p{L}{2,}`;
/** Characters OCR reads for "@" between an address's two halves. */
const AT = String.raw`(?:\s?@\s?|\s?[©®]\s?)`;

const ADDRESS = new RegExp(String.raw`(?<![\p{L}\p{N}._%+@-])(${LOCAL})(${AT})(${SPACED_DOMAIN})(?![\p{L}\p{N}@-])`, 'gu');

/** Top-level domains a repaired address may end in: a spaced dot before "It" or "in" is a sentence, not a domain. */
const TLD = /^(?:com|org|net|edu|gov|io|me|dev|ai|co|info|de|fr|es|it|nl|uk|ca|in|au|jp|cn|br|ch|se|no|dk|fi|pl|pt|ru|be|at|ie|us)$/;

/**
 * An "@" read as "Q" (the two are alike in many fonts) before a mailbox provider's domain, in a token
 * with no "@": "janeQoutlook.com". A provider's domain glued to letters has no other reading.
 */
const AT_READ_AS_Q = new RegExp(
  String.raw`(?<![\p{L}\p{N}._%+@-])(${LOCAL})Q(${PROVIDERS.map((name) => name.replace('.', String.raw`\.`)).join('|')})(?![\p{L}\p{N}@.-])`,
  'gu',
);

export function repairOcrEmails(text: string): string {
  return text.replace(AT_READ_AS_Q, '$1@$2').replace(ADDRESS, (whole, local: string, at: string, domain: string) => {
    const joined = domain.replace(/\s?[.,]\s?/g, '.');
    const repaired = at !== '@' || joined !== domain;
    if (repaired && !TLD.test(joined.split('.').at(-1)!)) return whole;
    return `${local}@${provider(joined)}`;
  });
}

/** "gmai1.com", "grnail.corn": the provider whose name this is once look-alikes are read back. */
function provider(domain: string): string {
  const lower = domain.toLowerCase();
  if (PROVIDERS.includes(lower)) return domain;
  const readBack = lower
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w')
    .replace(/[1|]/g, 'l')
    .replace(/0/g, 'o')
    .replace(/\.corn$/, '.com')
    .replace(/\.c0m$/, '.com');
  const candidates = PROVIDERS.filter((name) => name === readBack || name === readBack.replace(/ii/g, 'il') || name === readBack.replace(/ll/g, 'il'));
  return candidates.length === 1 ? candidates[0]! : domain;
}

/** Hosts of profile links whose paths OCR spaces out; "github.io" pages lose their dot. */
const PROFILE_LINK = /\b((?:www\.)?(?:linkedin\.com|github\.com|gitlab\.com))((?:\s?\/\s?[\p{L}\p{N}_-]+)+)/gu;

export function repairOcrLinks(text: string): string {
  return text
    .replace(PROFILE_LINK, (_, host: string, path: string) => host + path.replace(/\s/g, ''))
    .replace(/\b([\p{L}\p{N}-]+)\.githubio\b/gu, '$1.github.io');
}
