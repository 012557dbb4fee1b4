import { findPhoneNumbersInText, isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { sectionLines } from './sections.ts';
import { canonicalSkill } from './skills.ts';

/**
 * Contact details in a resume's text: email, phone (E.164) and links. The same patterns tell the
 * LLM scorer what to remove before a resume leaves the machine.
 */
export const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
export const LINK = /(?:\bhttps?:\/\/|\bwww\.)[^\s<>"')\],;]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:\/[^\s<>"')\],;]*)?/giu;

export type Links = {
  linkedin?: string;
  github?: string;
  website?: string;
  other: string[];
};

/** The first email address, in lower case. */
export function findEmail(text: string): string | null {
  return text.match(EMAIL)?.[0].replace(/\.+$/, '').toLowerCase() ?? null;
}

// Country-code top-level domains that are mostly used as brands, not as a country.
const VANITY_TLDS = new Set(['io', 'co', 'me', 'ai', 'tv', 'ly', 'fm', 'gg', 'sh', 'so', 'to', 'is', 'cc', 'ws', 'la', 'im']);

/**
 * The region to read a national number in ("030 901820"): a resume's own country-code domain
 * (an email at .de suggests a German number) beats the deployment's default, which beats US.
 */
export function regionHint(email: string | null, links: Links, fallback: CountryCode | undefined): CountryCode {
  for (const host of [email?.split('@')[1], ...[links.website, ...links.other].map((url) => url && new URL(url).hostname)]) {
    const tld = host?.split('.').pop()?.toLowerCase();
    if (!tld || tld.length !== 2 || VANITY_TLDS.has(tld)) continue;
    const region = (tld === 'uk' ? 'GB' : tld.toUpperCase()) as CountryCode;
    if (isSupportedCountry(region)) return region;
  }
  return fallback ?? 'US';
}

const PHONE_LABEL = /\b(?:phone|tel|telephone|mobile|mob|cell|handy|telefon|téléphone|portable|teléfono|móvil|celular|cellulare)\b/iu;
const MONTH_YEAR = /(?:^|\D)(?:0?[1-9]|1[0-2])[/.](?:19|20)\d\d(?!\d)/;

/**
 * The phone numbers in a text, in E.164, the candidate's own first. Among the contact details —
 * the header, a contact section, a line with an email — any valid number of seven digits or more
 * counts ("601 123 456" in Czechia, "030 901820" in Germany). In the body only numbers written
 * internationally (+, 00) or labelled count, because there "2015 - 2019", "03/2016 - 05/2019" or
 * an order number may read as a valid national number.
 */
export function findPhones(text: string, region: CountryCode): string[] {
  const contact: string[] = [];
  const body: string[] = [];
  for (const { text: original, section } of sectionLines(text)) {
    // "0049 30 …": 00 is the international prefix in most of the world, but not in every region.
    const line = original.replace(/(^|[^\d])00(?=[1-9])/g, '$1+');
    const contactLine = section === 'header' || section === 'contact' || line.includes('@');
    for (const found of findPhoneNumbersInText(line, { defaultCountry: region })) {
      const raw = line.slice(found.startsAt, found.endsAt);
      if (MONTH_YEAR.test(raw) || !found.number.isValid()) continue;
      if (contactLine && raw.replace(/\D/g, '').length >= 7) contact.push(found.number.number);
      else if (raw.startsWith('+') || PHONE_LABEL.test(line)) body.push(found.number.number);
    }
  }
  return [...new Set([...contact, ...body])];
}

/** The link a piece of text is, as an https URL, or null: without a scheme, "Node.js" or "ASP.NET" are skills and "cv.pdf" a file. */
export function asLink(raw: string): string | null {
  const url = raw.replace(/[.,:;!?]+$/, '');
  const writtenHost = url.replace(/^https?:\/\//i, '').split('/')[0]!;
  if (!/^(?:https?:\/\/|www\.)/i.test(url)) {
    // People write their own domains in lower case.
    if (canonicalSkill(url) !== url || /\p{Lu}/u.test(writtenHost) || /\.(?:js|ts|py|pdf|docx?|txt|png|jpe?g)$/i.test(writtenHost)) return null;
    if (!url.includes('/') && !/\.(?:com|org|net|io|dev|me|app|ai|info|[a-z]{2})$/i.test(writtenHost)) return null;
  }
  const normalized = /^https?:\/\//i.test(url) ? url : `https://${url}`;
  return URL.canParse(normalized) ? normalized : null;
}

/** LinkedIn, GitHub, a personal site and any other links, as https URLs. */
export function findLinks(text: string, email: string | null): Links {
  const links: Links = { other: [] };
  const emailHost = email?.split('@')[1];
  for (const raw of text.replace(EMAIL, ' ').match(LINK) ?? []) {
    const url = asLink(raw);
    if (!url) continue;
    const host = new URL(url).hostname.toLowerCase();
    if (host === emailHost) continue;
    if (/(^|\.)linkedin\.com$/.test(host)) links.linkedin ??= url;
    else if (/(^|\.)github\.com$/.test(host)) links.github ??= url;
    else if (!links.website) links.website = url;
    else if (url !== links.website && !links.other.includes(url)) links.other.push(url);
  }
  return links;
}
