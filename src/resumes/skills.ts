import taxonomy from './taxonomy/skills.json' with { type: 'json' };
import { sectionLines, type Line, type SectionKind } from './sections.ts';

/**
 * Skills, matched against a taxonomy kept as data (taxonomy/skills.json, its sources and licences
 * in taxonomy/SOURCES.md): a canonical name, forms that match in any case (`synonyms`), forms that
 * match only as written (`exact`: "Swift", "Spark", "Excel"), forms that match only in a list of
 * skills (`listOnly`: "Go", "R", "C"), a broader `parent` kept as a relation (Spring Boot is not
 * folded into Spring), and a `kind`:
 * - `tool`: a named technology, counted wherever it is named (the sentence is kept as evidence);
 * - `concept`: a generic skill ("testing", "security", "machine learning"), counted only when a
 *   list of skills names it, never from prose about a team;
 * - `soft` and `language` (communication, English): known, so that a recruiter's query resolves,
 *   but not reported as skills.
 * In a skills section, a listed item the taxonomy does not know is still a skill, as written.
 */
type Kind = 'tool' | 'concept' | 'soft' | 'language';
interface Entry {
  synonyms?: string[];
  exact?: string[];
  listOnly?: string[];
  parent?: string;
  kind: Kind;
}
type Mode = 'any' | 'exact' | 'listOnly';

const ENTRIES = Object.entries((taxonomy as { skills: Record<string, Entry> }).skills);
const KIND = new Map(ENTRIES.map(([canonical, entry]) => [canonical, entry.kind]));
const PARENT = new Map(ENTRIES.filter(([, entry]) => entry.parent).map(([canonical, entry]) => [canonical, entry.parent!]));

const fold = (text: string) => text.toLowerCase().replace(/\s+/g, ' ');
/** Form → canonical name, per mode; `any` keys are folded to lower case. */
const FORMS: Record<Mode, Map<string, string>> = { any: new Map(), exact: new Map(), listOnly: new Map() };
for (const [canonical, entry] of ENTRIES) {
  const special = new Set([...(entry.exact ?? []), ...(entry.listOnly ?? [])]);
  for (const form of [...(special.has(canonical) ? [] : [canonical]), ...(entry.synonyms ?? [])]) FORMS.any.set(fold(form), canonical);
  for (const form of entry.exact ?? []) FORMS.exact.set(form.replace(/\s+/g, ' '), canonical);
  for (const form of entry.listOnly ?? []) FORMS.listOnly.set(form.replace(/\s+/g, ' '), canonical);
}
const LONGEST_FORM = Math.max(...[...FORMS.any.keys(), ...FORMS.exact.keys(), ...FORMS.listOnly.keys()].map((form) => form.split(' ').length));

export interface SkillFinding {
  /** The canonical name (or, for a listed skill the taxonomy does not know, the name as written). */
  name: string;
  /** Where it was found: the section, and the line as evidence. */
  section: SectionKind;
  evidence: string;
  /** The broader skill it belongs to, if the taxonomy has one. */
  parent?: string;
}

/**
 * Emails and links name things that are not skills ("GitHub: github.com/ada/react-demo"); nor
 * does a term ("Spring 2020").
 */
const NOISE =
  /\S+@\S+|(?:[\p{L}-]+:\s*)?(?:\b(?:https?:\/\/|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|dev|me|app)\/\S*)|\b(?:spring|summer|fall|autumn|winter)\s*['’]?(?:19|20)?\d\d\b/giu;
// Separators of a list: "Go, Rust · Docker | AWS; Kafka" (a slash only between words: "CI/CD" is one name).
const LIST_SEPARATOR = /\s*(?:[,;|•·▪●◦‣∙⋅►▸、，；]|\s\/\s|\t|\s{2,})\s*/u;
const PROFICIENCY =
  /^(?:expert|advanced|intermediate|beginner|basic|proficient|familiar|fluent|native|good|strong|working knowledge|knowledge|experienced|skilled|novice|conversational|professional|level|years?|\d+\+?\s*(?:years?|yrs?)|[a-c][12])$/iu;
const STOPWORD_START = /^(?:and|or|with|of|in|on|for|to|the|a|an|using|including|such as|e\.g\.|etc|other|various|some|many|also)\b/iu;

/** Every skill a resume names, once, with where it was first found; sorted by name. */
export function findSkills(text: string): SkillFinding[] {
  const found = new Map<string, SkillFinding>();
  const record = (name: string, section: SectionKind, line: string) => {
    if (found.has(name)) return;
    const parent = PARENT.get(name);
    found.set(name, { name, section, evidence: line.trim().slice(0, 300), ...(parent ? { parent } : {}) });
  };
  const lines = rejoinWrappedItems(sectionLines(text));
  lines.forEach((line, index) => {
    // Degrees name fields of study ("BA Communication", "MS Statistics"), not the skills a candidate lists.
    if (line.section === 'education' || COURSEWORK_LABEL.test(line.text)) return;
    // "Programming Languages: Python, C, R" is a skills list wherever it stands (a summary, a sidebar without a heading).
    const inList = line.section === 'skills' || line.section === 'languages' || hasCategoryLabel(line.text);
    const clean = withoutCategoryLabel(line.text.replace(NOISE, ' '), inList);
    // A generic term alone on its line above a list ("Cloud Computing" / "AWS • Azure") names the list's category.
    const category =
      inList && !LIST_SEPARATOR.test(clean.trim()) && lines[index + 1]?.section === line.section && LIST_SEPARATOR.test(lines[index + 1]!.text.trim());
    for (const { canonical } of matchForms(clean, inList)) {
      const kind = KIND.get(canonical);
      if (kind === 'soft' || kind === 'language' || (kind === 'concept' && (!inList || category))) continue;
      record(canonical, line.section, line.text);
    }
    if (line.section === 'skills') for (const item of unknownListItems(clean)) record(item, line.section, line.text);
  });
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

/**
 * A list item that wraps onto the next line of a skills list ("Data Visualization • Machine" /
 * "Learning • SQL", "Design Pat-" / "terns • Git") is one item: rejoined when the whole is a name
 * the taxonomy knows, or when the line broke inside a word (a hyphen, then a lower-case letter).
 */
function rejoinWrappedItems(lines: Line[]): Line[] {
  const result = lines.map((line) => ({ ...line }));
  for (let index = 0; index + 1 < result.length; index += 1) {
    const [current, next] = [result[index]!, result[index + 1]!];
    if (current.section !== 'skills' || next.section !== 'skills') continue;
    const tail = /(\p{L}[\p{L}\p{N}.+#]*)(-?)\s*$/u.exec(current.text);
    const head = /^\s*([\p{L}\p{N}][\p{L}\p{N}.+#]*)/u.exec(next.text);
    if (!tail || !head || !LIST_SEPARATOR.test(current.text)) continue;
    const lastItem = current.text.slice(0, tail.index).split(LIST_SEPARATOR).at(-1)!.trim();
    const [word, hyphen, continuation] = [tail[1]!, tail[2]!, head[1]!];
    const joined = hyphen
      ? LOOKUP.has(fold(`${lastItem} ${word}-${continuation}`.trim()))
        ? `${word}-${continuation}`
        : /^\p{Ll}/u.test(continuation)
          ? `${word}${continuation}`
          : undefined
      : LOOKUP.has(fold(`${lastItem} ${word} ${continuation}`.trim()))
        ? `${word} ${continuation}`
        : undefined;
    if (!joined) continue;
    current.text = current.text.slice(0, tail.index) + joined;
    next.text = next.text.slice(head.index + head[0].length);
  }
  return result;
}

// "Relevant Coursework: Data Structures, Real Analysis": courses taken are education, wherever they are listed.
const COURSEWORK_LABEL = /^[^\p{L}]*(?:relevant\s+|selected\s+|key\s+)?(?:course\s?work|courses|modules|cursos|cours|kurse)\s*[:：]/iu;

// "Programming Languages: …", "Tools: …": a list's category, not a skill of its own.
const CATEGORY_LABEL = /^\s*[^\p{L}]*([\p{L}][\p{L}\s&/+-]{1,40}?)\s*[:：]\s*(?=\S)/u;
const CATEGORY_WORDS =
  /(?:languages|tools|frameworks|libraries|databases|technologies|platforms|skills|software|systems|environments|packages|methodologies|methods|concepts|others?|misc(?:ellaneous)?)$/iu;

function hasCategoryLabel(line: string): boolean {
  const label = CATEGORY_LABEL.exec(line);
  return Boolean(label && CATEGORY_WORDS.test(label[1]!.trim()));
}

function withoutCategoryLabel(line: string, inList: boolean): string {
  return inList && hasCategoryLabel(line) ? line.slice(CATEGORY_LABEL.exec(line)![0].length) : line;
}

/** The canonical skills a resume names, sorted. */
export function matchSkills(text: string): string[] {
  return findSkills(text).map((skill) => skill.name);
}

// Chinese and Japanese write tool names inside their text without spaces ("熟悉Python及C#"): a run of
// those scripts, or of their punctuation, separates words like a space does.
const SCRIPTS_WITHOUT_SPACES = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\u3000-\u303f\uff01-\uff0f\uff1a-\uff20]+/gu;

/** Words of a line with their forms as written; a word keeps the symbols of names (C++, C#, .NET, Node.js, CI/CD). */
function wordsOf(text: string): string[] {
  return text
    .replace(SCRIPTS_WITHOUT_SPACES, ' ')
    .split(/[\s,;:|•·▪●◦‣∙⋅►▸()[\]{}"“”'‘’]+/u)
    .map((word) => word.replace(/^[^\p{L}\p{N}.#+]+|[.!?]+$/gu, (edge) => (edge.startsWith('.') && edge.length === 1 && /^\.\p{L}/u.test(word) ? edge : '')))
    .filter(Boolean);
}

/** Longest forms first at each position: "React Native" is not also React, "Objective-C" not C. */
function matchForms(text: string, inList: boolean): Array<{ canonical: string; start: number; end: number }> {
  const words = wordsOf(text);
  const hits: Array<{ canonical: string; start: number; end: number }> = [];
  for (let start = 0; start < words.length;) {
    let matched = 0;
    for (let length = Math.min(LONGEST_FORM, words.length - start); length >= 1 && !matched; length -= 1) {
      const phrase = words.slice(start, start + length).join(' ');
      const canonical = lookup(phrase, inList) ?? (length === 1 ? lookupParts(phrase, inList) : undefined);
      if (!canonical) continue;
      for (const name of canonical.split('\n')) hits.push({ canonical: name, start, end: start + length });
      matched = length;
    }
    start += matched || 1;
  }
  return hits;
}

function lookup(phrase: string, inList: boolean): string | undefined {
  return FORMS.exact.get(phrase) ?? FORMS.any.get(fold(phrase)) ?? (inList ? FORMS.listOnly.get(phrase) : undefined);
}

/** "TypeScript/JavaScript", "HTML5/CSS3": names joined by a slash, when the whole is no name itself. */
function lookupParts(word: string, inList: boolean): string | undefined {
  if (!word.includes('/')) return undefined;
  const names = word
    .split('/')
    .map((part) => lookup(part, inList))
    .filter((name): name is string => Boolean(name));
  return names.length ? names.join('\n') : undefined;
}

/**
 * Items of a skills list the taxonomy does not know ("Zemax, Code V, CAD, Vectorworks"): after a
 * category label ("Tools: …"), split at the list's separators. Only a line that is a list — two
 * items or more, one of them a skill the taxonomy knows — counts, and only items of one to three
 * words, without digits or sentence punctuation, that are not a proficiency ("Advanced").
 */
function unknownListItems(line: string): string[] {
  const body = line.replace(/^\s*[\p{L}][\p{L}\s&/+-]{1,40}?\s*[:：]\s*/u, '').replace(SCRIPTS_WITHOUT_SPACES, ', ');
  const items = body
    .split(LIST_SEPARATOR)
    .map((item) => item.replace(/^[^\p{L}\p{N}.#]+|[.:;)\]]+$/gu, '').trim())
    .filter(Boolean);
  if (items.length < 2 || body.length > 300) return [];
  const known = items.filter((item) => matchForms(item, true).length > 0);
  if (known.length === 0) return [];
  const unknown: string[] = [];
  for (const item of items) {
    if (known.includes(item)) continue;
    const words = item.split(/\s+/);
    if (
      words.length > 3 ||
      item.length > 30 ||
      !/^[\p{Lu}\p{N}.]/u.test(item) ||
      /[\d()!?@:]/.test(item.replace(/^[\p{L}.+#-]+\s?\d+(?:\.\d+)?$/u, '')) ||
      PROFICIENCY.test(item) ||
      STOPWORD_START.test(item)
    )
      continue;
    unknown.push(item.replace(/\s+/g, ' '));
  }
  return unknown;
}

const LOOKUP = new Map<string, string>([
  ...[...FORMS.any.entries()],
  ...[...FORMS.exact.entries(), ...FORMS.listOnly.entries()].map(([form, canonical]) => [fold(form), canonical] as const),
  ...ENTRIES.map(([canonical]) => [fold(canonical), canonical] as const),
]);

/** The canonical name of a skill as a recruiter typed it ("k8s" → "Kubernetes"), or the input trimmed. */
export function canonicalSkill(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  return LOOKUP.get(fold(trimmed)) ?? trimmed;
}

/** Every broader skill of these (Keras → TensorFlow → Deep Learning → Machine Learning), sorted: a search for a parent finds its children. */
export function broaderSkills(names: string[]): string[] {
  const broader = new Set<string>();
  for (const name of names) {
    for (let parent = PARENT.get(name); parent && !broader.has(parent); parent = PARENT.get(parent)) broader.add(parent);
  }
  return [...broader].filter((name) => !names.includes(name)).sort((a, b) => a.localeCompare(b, 'en'));
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&').replace(/ /g, String.raw`\s+`);

/** Whether a text mentions a skill outside the vocabulary, as a whole word. */
export function mentions(text: string, skill: string): boolean {
  return new RegExp(String.raw`(?<![\p{L}\p{N}+#.\-])${escape(skill.trim())}(?![\p{L}\p{N}+#]|\.[\p{L}\p{N}])`, 'iu').test(text);
}

/** Whether a skill, as a recruiter typed it, is in the vocabulary. */
export function isKnownSkill(name: string): boolean {
  return LOOKUP.has(fold(name.trim()));
}
