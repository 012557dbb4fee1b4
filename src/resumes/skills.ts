import vocabulary from './skills.json' with { type: 'json' };
import { sectionLines } from './sections.ts';

/**
 * Skills matched against a vocabulary kept as data (skills.json: canonical name → synonyms).
 * An entry is either a list of synonyms, matched without regard to case, or an object:
 * - `synonyms`: matched without regard to case;
 * - `exact`: matched only as written, because the word is also ordinary English in lower case
 *   ("Swift", "Spark", "Excel", "Node");
 * - `listOnly`: matched as written and only in a list of skills, because the word is too common
 *   to mean the skill in prose ("Go", "R", "C", spoken languages).
 * The canonical name itself matches without regard to case unless it is listed as exact or
 * list-only.
 */
type Entry = string[] | { synonyms?: string[]; exact?: string[]; listOnly?: string[] };
type Mode = 'any' | 'exact' | 'listOnly';

// Symbols are part of skill names (C++, C#, .NET, Node.js), so a word boundary is "no letter,
// digit or symbol of a name next to it"; a trailing dot or hyphen is fine ("… and Node.js.",
// "Python-based"), a leading hyphen is not ("Objective-C" is not C).
const BEFORE = String.raw`(?<![\p{L}\p{N}+#.\-])`;
const AFTER = String.raw`(?![\p{L}\p{N}+#]|\.[\p{L}\p{N}])`;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/ /g, String.raw`\s+`);
const key = (text: string, mode: Mode) => (mode === 'any' ? text.toLowerCase() : text).replace(/\s+/g, ' ');

const ENTRIES = Object.entries(vocabulary as Record<string, Entry>);

/**
 * One pattern per mode, every form of every skill in it, longest first so that at any position
 * the longest name wins; the matched text, as a key, gives the canonical name.
 */
const MATCHERS = (['any', 'exact', 'listOnly'] as const).map((mode) => {
  const canonicalOf = new Map<string, string>();
  for (const [canonical, entry] of ENTRIES) {
    const spec = Array.isArray(entry) ? { synonyms: entry } : entry;
    const special = new Set([...(spec.exact ?? []), ...(spec.listOnly ?? [])]);
    const forms = mode === 'any' ? [...(special.has(canonical) ? [] : [canonical]), ...(spec.synonyms ?? [])] : (spec[mode] ?? []);
    for (const form of forms) canonicalOf.set(key(form, mode), canonical);
  }
  const alternatives = [...canonicalOf.keys()].sort((a, b) => b.length - a.length).map(escape);
  return { mode, canonicalOf, pattern: new RegExp(`${BEFORE}(?:${alternatives.join('|')})${AFTER}`, mode === 'any' ? 'giu' : 'gu') };
});

/** Emails and links, with their labels, name things that are not skills ("GitHub: github.com/ada/react-demo"). */
const NOISE = /\S+@\S+|(?:[\p{L}-]+:\s*)?(?:\b(?:https?:\/\/|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|dev|me|app)\/\S*)/giu;

/** The canonical skills a resume mentions, sorted. */
export function matchSkills(text: string): string[] {
  const found = new Set<string>();
  for (const line of sectionLines(text)) {
    // Degrees name fields of study ("BA Communication", "MS Statistics"), not the skills a candidate lists.
    if (line.section === 'education') continue;
    const clean = line.text.replace(NOISE, ' ');
    const inList = line.section === 'skills';
    // Across the modes too the longest name wins: "React Native" is not also React, "Objective-C" not C.
    const hits: Array<{ start: number; end: number; canonical: string }> = [];
    for (const { mode, canonicalOf, pattern } of MATCHERS) {
      if (mode === 'listOnly' && !inList) continue;
      for (const match of clean.matchAll(pattern)) {
        hits.push({ start: match.index, end: match.index + match[0].length, canonical: canonicalOf.get(key(match[0], mode))! });
      }
    }
    hits.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    const taken: Array<[number, number]> = [];
    for (const hit of hits) {
      if (taken.some(([start, end]) => hit.start < end && start < hit.end)) continue;
      taken.push([hit.start, hit.end]);
      found.add(hit.canonical);
    }
  }
  return [...found].sort((a, b) => a.localeCompare(b, 'en'));
}

const LOOKUP = new Map<string, string>(
  ENTRIES.flatMap(([canonical, entry]) => {
    const spec = Array.isArray(entry) ? { synonyms: entry } : entry;
    return [canonical, ...(spec.synonyms ?? []), ...(spec.exact ?? []), ...(spec.listOnly ?? [])].map((s) => [s.toLowerCase(), canonical] as const);
  }),
);

/** The canonical name of a skill as a recruiter typed it ("k8s" → "Kubernetes"), or the input trimmed. */
export function canonicalSkill(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  return LOOKUP.get(trimmed.toLowerCase()) ?? trimmed;
}

/** Whether a text mentions a skill outside the vocabulary, as a whole word. */
export function mentions(text: string, skill: string): boolean {
  return new RegExp(`${BEFORE}${escape(skill.trim())}${AFTER}`, 'iu').test(text);
}

/** Whether a skill, as a recruiter typed it, is in the vocabulary. */
export function isKnownSkill(name: string): boolean {
  return LOOKUP.has(name.trim().replace(/\s+/g, ' ').toLowerCase());
}
