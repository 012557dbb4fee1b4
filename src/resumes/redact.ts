import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { asLink, EMAIL, LINK } from './contact.ts';
import { findPhones } from './phone.ts';
import type { ParsedResume } from './fields.ts';

/**
 * What may leave the machine: a resume without the candidate's contact details — emails, links,
 * phone numbers (the parsed one however it is written, and anything else dialled
 * internationally) and every part of the parsed name, also without its accents.
 */
export function redactContactDetails(text: string, fields: Pick<ParsedResume, 'name' | 'phone'>): string {
  let redacted = text.replace(EMAIL, '[email]').replace(LINK, (raw) => (asLink(raw) ? '[link]' : raw));
  for (const phone of new Set([
    fields.phone,
    ...findPhones(redacted, 'US')
      .filter((found) => found.valid)
      .map((found) => found.number),
  ])) {
    const national = phone && (parsePhoneNumberFromString(phone)?.nationalNumber ?? phone.replace(/\D/g, ''));
    // Its digits with any separators, after a country code or a trunk 0 or neither.
    if (national)
      redacted = redacted.replace(
        new RegExp(`(?<![\\d+])(?:(?:\\+|00)\\d{1,3}[\\s.-]*)?(?:\\(?0\\)?[\\s.-]*)?${[...national].join('[\\s().\\/-]*')}(?!\\d)`, 'g'),
        '[phone]',
      );
  }
  redacted = redacted.replace(/\+\d[\d\s()./-]{6,}\d/g, '[phone]');
  for (const word of nameWords(fields.name)) {
    redacted = redacted.replace(new RegExp(`(?<![\\p{L}\\p{M}])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{M}])`, 'giu'), '[name]');
  }
  return redacted;
}

function nameWords(name: string | null): string[] {
  if (!name) return [];
  // Capitalized words only: particles ("de", "van") are ordinary words elsewhere in the text.
  const words = name
    .normalize('NFC')
    .split(/[\s-]+/)
    .filter((word) => /^\p{Lu}/u.test(word) && word.replace(/\P{L}/gu, '').length > 1);
  const plain = words.map((word) =>
    word
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[łŁ]/g, (l) => (l === 'ł' ? 'l' : 'L')),
  );
  // Longest first: the whole name is replaced as one before its parts.
  return [...new Set([name.normalize('NFC'), ...words, ...plain])].sort((a, b) => b.length - a.length);
}
