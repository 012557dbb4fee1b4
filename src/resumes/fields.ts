import { parsePhoneNumberFromString, findPhoneNumbersInText, type CountryCode } from 'libphonenumber-js';
import { experienceYears } from './experience.ts';
import { matchSkills } from './skills.ts';

export interface ParsedResume {
  name: string | null;
  email: string | null;
  phone: string | null;
  links: { linkedin?: string; github?: string; website?: string; other: string[] };
  skills: string[];
  experienceYears: number | null;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const URL_PATTERN = /\b(?:https?:\/\/)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:\/[^\s,;)]*)?/gi;
const KNOWN_TLD = /\.(com|org|net|io|dev|me|de|fr|uk|co|app|ai|info|eu|ch|nl|es|it|pl|se|in|ca|au|br|jp)$/i;
const NOT_A_NAME = /\b(curriculum|vitae|resume|résumé|cv|lebenslauf|profile|summary|contact|experience|education|skills|objective|engineer|developer|manager|designer|analyst|consultant|address|phone|email)\b/i;
const NAME_WORD = /^[\p{Lu}][\p{L}'’.-]*$/u;

/** Fields of a resume from its text: name, email, phone (E.164), links, skills, years of experience. */
export function parseResume(text: string, options: { now?: Date; defaultCountry?: CountryCode } = {}): ParsedResume {
  const email = EMAIL.exec(text)?.[0].toLowerCase() ?? null;
  return {
    name: findName(text),
    email,
    phone: findPhone(text, options.defaultCountry ?? 'US'),
    links: findLinks(text, email),
    skills: matchSkills(text),
    experienceYears: experienceYears(text, options.now),
  };
}

/** The first line near the top that looks like a person's name (2–4 capitalized words), or "Name: …". */
function findName(text: string): string | null {
  const labelled = /^\s*(?:name|nom|name und vorname)\s*[:\-]\s*(.+)$/imu.exec(text);
  if (labelled) return cleanName(labelled[1]!);
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean).slice(0, 8);
  for (const line of lines) {
    // A header line often carries contact details after the name: "Ada Lovelace | ada@… | +44 …".
    const candidate = line.split(/\s*[|•·,–—]\s*|\s{2,}/)[0]!.trim();
    if (EMAIL.test(candidate) || /\d/.test(candidate) || NOT_A_NAME.test(candidate)) continue;
    const words = candidate.split(/\s+/);
    if (words.length < 2 || words.length > 4) continue;
    if (words.every((word) => NAME_WORD.test(word) || /^(van|von|de|da|der|del|di|la|le|bin|al)$/i.test(word))) return cleanName(candidate);
  }
  return null;
}

function cleanName(raw: string): string {
  const name = raw.replace(/\s+/g, ' ').trim();
  // ALL-CAPS headers ("ADA LOVELACE") read better in title case.
  return name === name.toUpperCase() ? name.toLowerCase().replace(/(^|[\s'’-])(\p{L})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase()) : name;
}

function findPhone(text: string, defaultCountry: CountryCode): string | null {
  for (const found of findPhoneNumbersInText(text, defaultCountry)) {
    if (found.number.isValid()) return found.number.number;
  }
  // Loosely formatted numbers the scanner skipped ("Tel: 0049 30 1234567").
  const loose = /(?:\+|00)\d[\d\s().-]{7,}\d/.exec(text)?.[0];
  const parsed = loose ? parsePhoneNumberFromString(loose.replace(/^00/, '+'), defaultCountry) : undefined;
  return parsed?.isValid() ? parsed.number : null;
}

function findLinks(text: string, email: string | null): ParsedResume['links'] {
  const links: ParsedResume['links'] = { other: [] };
  const emailDomain = email?.split('@')[1];
  for (const raw of text.match(URL_PATTERN) ?? []) {
    const url = raw.replace(/[.)]+$/, '');
    if (!/[/.]/.test(url) || (emailDomain && url.toLowerCase() === emailDomain)) continue;
    // Without a scheme or www., only well-known top-level domains count: "Node.js" is not a site.
    if (!/^(https?:\/\/|www\.)/i.test(url) && !KNOWN_TLD.test(url.split('/')[0]!)) continue;
    if (text.includes(`@${url}`)) continue;
    const normalized = /^https?:\/\//i.test(url) ? url : `https://${url}`;
    if (/linkedin\.com\//i.test(url)) links.linkedin ??= normalized;
    else if (/github\.com\//i.test(url)) links.github ??= normalized;
    else if (/\.(pdf|docx?|txt)$/i.test(url) || /^\d/.test(url)) continue;
    else if (!links.website) links.website = normalized;
    else if (!links.other.includes(normalized)) links.other.push(normalized);
  }
  return links;
}
