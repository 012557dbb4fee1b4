import type { CountryCode } from 'libphonenumber-js';
import { findEmail, findLinks, findPhones, regionHint, type Links } from './contact.ts';
import { experienceYears } from './experience.ts';
import { findName } from './name.ts';
import { matchSkills } from './skills.ts';

export interface ParsedResume {
  name: string | null;
  email: string | null;
  /** E.164, e.g. "+4930901820". */
  phone: string | null;
  links: Links;
  /** Canonical names from the skills vocabulary, sorted. */
  skills: string[];
  experienceYears: number | null;
}

export interface ParseOptions {
  /** The date "present" means; injected so that results are reproducible. */
  now?: Date;
  /** The region of national phone numbers when the resume gives no hint (default US). */
  defaultCountry?: CountryCode;
}

/** The fields of a resume, from its plain text. Pure and deterministic for a given `now`. */
export function parseResume(text: string, options: ParseOptions = {}): ParsedResume {
  const email = findEmail(text);
  const links = findLinks(text, email);
  return {
    name: findName(text),
    email,
    phone: findPhones(text, regionHint(email, links, options.defaultCountry))[0] ?? null,
    links,
    skills: matchSkills(text),
    experienceYears: experienceYears(text, options.now),
  };
}
