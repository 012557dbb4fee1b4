import type { CountryCode } from 'libphonenumber-js';
import { findEmail, findLinks, type Links } from './contact.ts';
import { experienceYears } from './experience.ts';
import { findName } from './name.ts';
import { findPhones, regionHint } from './phone.ts';
import { broaderSkills, findSkills, type SkillFinding } from './skills.ts';

export interface ParsedResume {
  name: string | null;
  email: string | null;
  /** E.164 ("+4930901820") when valid in the inferred region, else as printed. */
  phone: string | null;
  /** Whether `phone` is a valid number (E.164); null without a phone. */
  phoneValid: boolean | null;
  links: Links;
  /** Canonical names from the skills taxonomy (or as listed, when it does not know them), sorted. */
  skills: string[];
  /** For each skill: the section and the line it was found in, and its broader parent. */
  skillEvidence: SkillFinding[];
  /** Every broader skill of the skills (not reported as skills: a search for Spring finds Spring Boot). */
  skillParents: string[];
  experienceYears: number | null;
}

export interface ParseOptions {
  /** The date "present" means; injected so that results are reproducible. */
  now?: Date;
  /** The region of national phone numbers when the resume gives no hint (default US). */
  defaultCountry?: CountryCode;
  /** Link targets the document carries outside its text (PDF annotations, DOCX hyperlinks). */
  links?: string[];
}

/** The fields of a resume, from its plain text. Pure and deterministic for a given `now`. */
export function parseResume(text: string, options: ParseOptions = {}): ParsedResume {
  const name = findName(text);
  const email = findEmail(text, name);
  const links = findLinks(text, email, options.links ?? []);
  const hosts = [email?.split('@')[1], ...[links.website, ...links.other].map((url) => url && new URL(url).hostname)];
  const skillEvidence = findSkills(text);
  const phone = findPhones(text, regionHint(text, hosts, options.defaultCountry))[0] ?? null;
  return {
    name,
    email,
    phone: phone?.number ?? null,
    phoneValid: phone?.valid ?? null,
    links,
    skills: skillEvidence.map((skill) => skill.name),
    skillEvidence,
    skillParents: broaderSkills(skillEvidence.map((skill) => skill.name)),
    experienceYears: experienceYears(text, options.now),
  };
}
