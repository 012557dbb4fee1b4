import taxonomy from './taxonomy/skills.json' with { type: 'json' };
import { headingKind, sectionLines, type Line, type SectionKind } from './sections.ts';

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
// The first word of a form, also as written apart ("Scikit Learn" for "scikit-learn").
const FIRST_WORDS = new Set(
  [...FORMS.any.keys(), ...FORMS.exact.keys(), ...FORMS.listOnly.keys()].flatMap((form) => [fold(form.split(' ')[0]!), fold(form.split(/[\s._-]/)[0]!)]),
);
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
  // One skill however it is spelled: "LLM agents" and "LLM-agents" are found once.
  const record = (name: string, section: SectionKind, line: string) => {
    const key = skillKey(name);
    if (found.has(key)) return;
    const parent = PARENT.get(name);
    found.set(key, { name, section, evidence: line.trim().slice(0, 300), ...(parent ? { parent } : {}) });
  };
  const lines = rejoinWrappedItems(sectionLines(text));
  lines.forEach((line, index) => {
    // Courses taken are education; soft skills are known but not reported ("Soft Skills: Leadership, …").
    if (COURSEWORK_LABEL.test(line.text) || SOFT_LABEL.test(line.text)) return;
    // Degrees name fields of study ("BA Communication", "MS Statistics"): in education only named tools count
    // ("thesis on traffic data with Python and PostGIS").
    const education = line.section === 'education';
    const bare = line.text.replace(NOISE, ' ');
    // "Programming Languages: Python, C, R" — or a line of names that are mostly skills — is a skills list wherever it stands.
    const inList = !education && (line.section === 'skills' || line.section === 'languages' || hasCategoryLabel(line.text) || isSkillList(bare));
    const clean = line.section === 'skills' ? withoutCategoryLabel(bare, inList).replace(GRID_ROW_LABEL, '') : withoutCategoryLabel(bare, inList);
    // A generic term alone on its line above a list ("Cloud Computing" / "AWS • Azure") names the list's category.
    const category =
      inList && !LIST_SEPARATOR.test(clean.trim()) && lines[index + 1]?.section === line.section && LIST_SEPARATOR.test(lines[index + 1]!.text.trim());
    for (const item of inList ? listItems(clean) : [clean]) {
      const hits = matchForms(item, inList);
      // "SAP BW", "Apache Cordova", "jQuery Mobile": a listed name that only starts with a known one is a skill of its own.
      const whole = inList && line.section !== 'languages' ? namedItem(item, hits) : undefined;
      if (whole) {
        record(canonicalSkill(whole), line.section, line.text);
        continue;
      }
      for (const hit of hits) {
        const kind = KIND.get(hit.canonical);
        // "Fluent in SQL", "Spanish: Fluent": a level, not the product of that name.
        if (kind === 'soft' || kind === 'language' || PROFICIENCY.test(hit.words.slice(hit.start, hit.end).join(' '))) continue;
        if (education && (kind !== 'tool' || hit.mode === 'listOnly')) continue;
        if (kind === 'concept' && (category || (!inList && !practiceInProse(hit)))) continue;
        record(hit.canonical, line.section, line.text);
      }
    }
    // "built with Selenium, Node.js, pdf-lib and Puppeteer": an enumeration of names inside a sentence is a list too.
    if (!inList && !education)
      for (const item of enumeratedNames(clean)) {
        const hits = matchForms(item, true);
        if (hits.length === 0 && /^[\p{Lu}\p{N}]|[.\d+#-]\p{L}/u.test(item)) record(item, line.section, line.text);
        // A one-letter name ("R", "C") is a skill only in a list of skills: in a sentence it is as often an initial or a grade.
        for (const hit of hits)
          if (hit.mode === 'listOnly' && KIND.get(hit.canonical) === 'tool' && hit.words.slice(hit.start, hit.end).join(' ').length > 1)
            record(hit.canonical, line.section, line.text);
      }
    if (line.section === 'skills') {
      for (const item of unknownListItems(clean)) record(item, line.section, line.text);
      const single = singleItem(lines, index);
      if (single) record(single, line.section, line.text);
    }
  });
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

// "Soft Skills: …", "Interpersonal skills — …": known, not reported.
const SOFT_LABEL =
  /^[^\p{L}]*(?:(?:soft|interpersonal|personal|social|transferable)\s+skills?|strengths|key strengths|personal qualities|qualities|personal traits|traits|attributes)\s*[:：–—-]/iu;
/**
 * Words that describe a person rather than name a skill ("Adaptable", "Self-starter", "Goal-oriented",
 * "Detail-minded", "Problem-solver", "Proactive"): one unknown word ending like an adjective of character,
 * or a compound of that kind.
 */
const TRAIT =
  /^(?:\p{L}+-(?:oriented|starter|solver|minded|motivated|driven|focused|thinker|player|learner|worker)|self-\p{L}+|team[- ]player|\p{L}{3,}(?:able|ible|ive|ful|ous))$/iu;

/**
 * A practice written as a name in a sentence about the candidate's work ("Applied NLP to support
 * tickets", "Built CI/CD pipelines", "A/B testing") is a skill: an acronym, or a name with a symbol.
 * Words are not by themselves ("testing", "security", "machine learning", "data analysis": as
 * often the subject of a team, a product or a title as a skill), nor is a name followed by a team,
 * a company or a role ("the NLP team", "ML Engineer").
 */
function practiceInProse(hit: Hit): boolean {
  const form = hit.words.slice(hit.start, hit.end).join(' ');
  // Words joined by slashes ("CLI/Frontend/Backend") are words each: only a name with a slash in it ("CI/CD") is one.
  if (form.includes('/') && !LOOKUP.has(fold(form))) return false;
  if (!/[/+#&.\d]|^\p{Lu}{2,}$|^\p{Lu}\p{Ll}?\p{Lu}+$/u.test(form)) return false;
  return !CONTEXT_NOUN.test(hit.words[hit.end] ?? '');
}
const CONTEXT_NOUN =
  /^(?:teams?|company|companies|group|department|lab|laboratory|startup|engineers?|scientists?|developers?|lead|manager|intern|internship|roles?|position|firm|industry|community|club|society|course|class|conference|workshop|certification|certificate|degree|program|programme|track|organization|meetup|specialist|analyst|consultant|researcher|architect)$/iu;

/**
 * The items of a list line, at its separators; a parenthesis that holds a list ("Python (NumPy,
 * pandas)") gives its items too, one that qualifies an item ("Brainstorm (beginner)", "BEMT")
 * does not, unless it is a skill itself.
 */
function listItems(line: string): string[] {
  const items: string[] = [];
  // "Back End: Flask, FastAPI | Front End: HTML": a label before a colon names the items that follow it.
  const outside = line.replace(ITEM_LABEL, ' , ').replace(/\(([^()]*)\)/g, (_, inner: string) => {
    if (LIST_SEPARATOR.test(inner.trim()) || matchForms(inner, true).length > 0) items.push(...inner.split(LIST_SEPARATOR));
    return ' ';
  });
  // "Svelte & SvelteKit", "Git and GitHub": two names joined, when one of them is known.
  return [...outside.split(LIST_SEPARATOR), ...items]
    .flatMap((item) => {
      const parts = item.split(/\s+(?:&|and|und|et|y|e)\s+/u);
      return parts.length === 2 && parts.every((part) => part.trim().split(/\s+/).length <= 3) && parts.some((part) => matchForms(part, true).length > 0)
        ? parts
        : [item];
    })
    .map((item) => item.trim())
    .filter(Boolean);
}

const ITEM_LABEL = /(?:^|(?<=[|•·;]))[^\p{L}\p{N}]*[\p{L}][\p{L}\s&/+‐-]{0,30}?(?:\s*[:：]|\s+[–—])\s+/gu;

/**
 * The names of an enumeration inside a sentence ("… built with Selenium, Coinbase, Node.js, and the
 * iOS SDK"): three items or more at commas (the last after "and"/"or"), each one to three words
 * (the first taken after its preposition), most of them names the taxonomy knows as a whole.
 */
function enumeratedNames(sentence: string): string[] {
  const segments = sentence.split(/\s*[,;]\s*(?:(?:and|or)\s+)?|\s+(?:and|or)\s+/u);
  const names: string[] = [];
  let run: string[] = [];
  const flush = () => {
    // Short names ("R", "C", "Go") prove nothing: "R and D; plan C; Go team" is no list.
    const known = run.filter((item) => item.length >= 3 && wholeName(item));
    if (run.length >= 3 && known.length >= 2 && known.length * 3 >= run.length * 2) names.push(...run);
    run = [];
  };
  for (const [index, segment] of segments.entries()) {
    const words = segment.trim().split(/\s+/).filter(Boolean);
    // The first name follows the sentence's last little word ("… utilizing tools like Ansible").
    const start = run.length === 0 ? words.findLastIndex((word) => /^\p{Ll}+$/u.test(word) && !wholeName(word)) + 1 : 0;
    const item = words
      .slice(start)
      .join(' ')
      .replace(/^(?:the|a|an)\s+/iu, '')
      .replace(/[.)\]]+$/u, '');
    const end = index === segments.length - 1 ? item.split(/\s+(?=\p{Ll}+\b)/u)[0]! : item;
    if (end && end.split(/\s+/).length <= 3 && !/[()[\]:]/.test(end)) run.push(end);
    else {
      flush();
      if (end && run.length === 0 && words.length > 0) {
        const tail = words.slice(words.findLastIndex((word) => /^\p{Ll}+$/u.test(word)) + 1).join(' ');
        if (tail && tail.split(/\s+/).length <= 3) run.push(tail);
      }
    }
  }
  flush();
  return names;
}

/** Whether a text is, as a whole, one name the taxonomy knows. */
function wholeName(text: string): boolean {
  const hits = matchForms(text, true);
  return hits.length === 1 && hits[0]!.start === 0 && hits[0]!.end === hits[0]!.words.length;
}

/** Whether a line outside a skills section is a list of skill names: three items or more, most of them a known name as a whole. */
function isSkillList(line: string): boolean {
  const items = line
    .split(LIST_SEPARATOR)
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length < 3 || items.some((item) => item.split(/\s+/).length > 4)) return false;
  const named = items.filter((item) => {
    const hits = matchForms(item, true);
    return hits.length === 1 && hits[0]!.start === 0 && hits[0]!.end === hits[0]!.words.length;
  });
  return named.length >= 2 && named.length * 2 >= items.length;
}

/**
 * A listed name of two to four capitalised words that starts with or contains a known one but is
 * more ("SAP BW", "Kendo UI Mobile"), as written; not a version ("Python 3"), a level ("Advanced
 * Excel") or a phrase ("Git and GitHub", "ML with graphs").
 */
function namedItem(item: string, hits: Hit[]): string | undefined {
  const words = wordsOf(item);
  if (words.length < 2 || words.length > 4 || hits.length === 0 || /[&+]|\band\b|\bor\b/iu.test(item)) return undefined;
  const covered = (index: number) => hits.some((hit) => index >= hit.start && index < hit.end);
  if (!words.every((word, index) => covered(index) || /^[\p{Lu}\p{N}]/u.test(word))) return undefined;
  const rest = words.filter((_, index) => !covered(index));
  if (rest.length === 0 || rest.every((word) => /^v?\d[\d.x]*$/iu.test(word) || PROFICIENCY.test(word) || STOPWORD_START.test(word))) return undefined;
  if (rest.some((word) => PROFICIENCY.test(word) || STOPWORD_START.test(word) || CATEGORY_WORDS.test(word) || GENERIC_SUFFIX.test(word))) return undefined;
  // A product line follows its known name ("SAP BW", "Azure CLI"); words before a longer known name are a category ("Front-End React").
  const firstCovered = words.findIndex((_, index) => covered(index));
  const known = words.filter((_, index) => covered(index)).join(' ');
  if (firstCovered > 0 && known.length > 3) return undefined;
  return words.join(' ');
}

// "Python Programming", "Shiny servers", "React development": a known name and what is done with it.
const GENERIC_SUFFIX =
  /^(?:programming|development|developer|language|framework|library|scripting|basics|fundamentals|ecosystem|stack|platform|servers?|apps?|applications?|projects?|experience|knowledge|certified|certification)$/iu;

/**
 * A skills list written one item per line ("Diversity Sourcing" / "Data Interpretation" / …): a
 * short capitalised name alone on its line, between lines of the same kind, is a listed skill even
 * when the taxonomy does not know it.
 */
function singleItem(lines: Line[], index: number): string | undefined {
  const itemLike = (line: Line | undefined) => {
    if (!line || line.section !== 'skills') return undefined;
    const item = line.text.replace(/^[^\p{L}\p{N}]+/u, '').trim();
    const words = item.split(/\s+/);
    if (!item || words.length > 4 || item.length > 40 || LIST_SEPARATOR.test(item) || !/^[\p{Lu}\p{N}]/u.test(item) || /[:：.!?,;()/\d]/u.test(item))
      return undefined;
    if (item === item.toUpperCase() || PROFICIENCY.test(item) || STOPWORD_START.test(item) || CATEGORY_WORDS.test(item) || headingKind(item)) return undefined;
    return item;
  };
  const item = itemLike(lines[index]);
  if (!item || matchForms(item, true).length > 0) return undefined;
  // The run of such lines around it must be a list of skills: one of them a tool or practice the taxonomy knows, none a soft skill.
  let [first, last] = [index, index];
  while (itemLike(lines[first - 1])) first -= 1;
  while (itemLike(lines[last + 1])) last += 1;
  if (first === last) return undefined;
  const kinds = lines.slice(first, last + 1).flatMap((line) => matchForms(line.text, true).map((hit) => KIND.get(hit.canonical)));
  return kinds.some((kind) => kind === 'tool' || kind === 'concept') && !kinds.includes('soft') ? item : undefined;
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

/**
 * A skills grid's row label: a first cell before a column gap, the row then a list at commas
 * ("Datenbanken  MySQL, PostgreSQL", "Linux  Debian, Nginx"): the row's category, as "Databases:" is.
 */
const GRID_ROW_LABEL = /^\s*[^\s,;:|•·][^,;:|•·]{0,30}?\s{2,}(?=[^,]+,\s*\S)/u;

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
    .replace(SPACED_SUFFIX, '$1$2')
    .split(/[\s,;:|•·▪●◦‣∙⋅►▸()[\]{}"“”'‘’]+/u)
    .map((word) => word.replace(/^[^\p{L}\p{N}.#+]+|[.!?]+$/gu, (edge) => (edge.startsWith('.') && edge.length === 1 && /^\.\p{L}/u.test(word) ? edge : '')))
    .filter(Boolean);
}

// "c ++", "C #", "Node .js", "Vue. js": a name's symbol suffix set apart from it is part of it.
const SPACED_SUFFIX = /(?<=^|[\s,;|(/])(\p{L}[\p{L}\p{N}]*)\s*(\+\+|#|\.\s?js)(?![\p{L}\p{N}+#])/giu;

interface Hit {
  canonical: string;
  mode: Mode;
  /** The words of the text matched, and the hit's span in them. */
  words: string[];
  start: number;
  end: number;
}

/** Longest forms first at each position: "React Native" is not also React, "Objective-C" not C. */
function matchForms(text: string, inList: boolean): Hit[] {
  const words = wordsOf(text);
  const hits: Hit[] = [];
  for (let start = 0; start < words.length;) {
    let matched = 0;
    // Most words start no name: only the first word of some form (or a vendor's name) is looked up with the words after it.
    const first = fold(words[start]!);
    const longest = FIRST_WORDS.has(first) || VENDOR.test(`${first} x`) ? LONGEST_FORM + 1 : 1;
    for (let length = Math.min(longest, words.length - start); length >= 1 && !matched; length -= 1) {
      const phrase = words.slice(start, start + length).join(' ');
      const found = lookup(phrase, inList) ?? (length === 1 ? lookupParts(phrase, inList) : undefined);
      if (!found) continue;
      for (const name of found.canonical.split('\n')) hits.push({ canonical: name, mode: found.mode, words, start, end: start + length });
      matched = length;
    }
    // "Fast API", "Java Script": a one-word name written as two words, the first of them perhaps a name too.
    const split = matched <= 1 && start + 1 < words.length ? lookupVariant(`${words[start]} ${words[start + 1]}`, inList) : undefined;
    if (split) {
      while (hits.at(-1)?.start === start) hits.pop();
      hits.push({ canonical: split.canonical, mode: split.mode, words, start, end: start + 2 });
      matched = 2;
    }
    start += matched || 1;
  }
  return hits;
}

// "Microsoft Visual Studio Code", "MS Excel", "Apache Kafka": a vendor's name before a product's.
const VENDOR =
  /^(?:microsoft|ms|google|apache|amazon|aws|ibm|oracle|adobe|autodesk|intel|apple|jetbrains|atlassian|hashicorp|red hat|vmware|cisco|salesforce)\s+(?=\S)/iu;

function lookup(phrase: string, inList: boolean): { canonical: string; mode: Mode } | undefined {
  const exact = FORMS.exact.get(phrase);
  if (exact) return { canonical: exact, mode: 'exact' };
  const any = FORMS.any.get(fold(phrase));
  if (any) return { canonical: any, mode: 'any' };
  const listed = inList ? FORMS.listOnly.get(phrase) : undefined;
  if (listed) return { canonical: listed, mode: 'listOnly' };
  // The vendor's name says the product is meant ("MS Word", "Microsoft Teams"), even where its bare name is a common word.
  const product = phrase.replace(VENDOR, '');
  if (product !== phrase) return (/^ms\s/iu.test(phrase) ? lookup(`Microsoft ${product}`, inList) : undefined) ?? lookup(product, true);
  // "Jupyter Notebooks", "Kubernetes Operators": a name of several words in the plural.
  const singular = /\s\p{L}{3,}[^s]s$/u.test(phrase) ? phrase.slice(0, -1) : undefined;
  if (singular) return lookup(singular, inList);
  // "GitHub Action" for "GitHub Actions": a name of several words written in the singular.
  const plural = /\s\p{L}{3,}[^s]$/u.test(phrase) ? FORMS.any.get(fold(`${phrase}s`)) : undefined;
  if (plural) return { canonical: plural, mode: 'any' };
  return lookupVariant(phrase, inList);
}

/**
 * Names written without their spacing or punctuation ("PowerBI", "Scikit Learn", "NextJS", "Tailwind
 * CSS" for "TailwindCSS"): a form is also known by its letters and digits alone, when no other
 * skill has the same ones. Only names with a capital inside, or in a list, are looked up so: a
 * lower-case word in a sentence is as often a word as a name.
 */
function lookupVariant(phrase: string, inList: boolean): { canonical: string; mode: Mode } | undefined {
  if (phrase.length < 4 || (!inList && !/\p{Lu}/u.test(phrase.slice(1)))) return undefined;
  // "TypeScript React" is two names, not TSX ("typescriptreact").
  const words = phrase.split(' ');
  if (words.length > 1 && words.every((word) => FORMS.any.has(fold(word)) || FORMS.exact.has(word) || FORMS.listOnly.has(word))) return undefined;
  const key = compact(phrase);
  const found = key === fold(phrase) ? undefined : COMPACT.get(key);
  return found && (inList || found.mode !== 'listOnly') ? found : undefined;
}
// Letters, digits and symbols only: spaces, dots, underscores and every kind of hyphen or dash ("cloud‐computing") go;
// a "JS" suffix is ".js" ("Knockout JS", "KnockoutJS" and "knockout.js" are one key).
const compact = (text: string) =>
  text
    .toLowerCase()
    .replace(/[\s._\p{Pd}]+/gu, '')
    .replace(/js$/, '.js');
/** Forms with spacing or punctuation, by their letters and digits; a key two skills share is left out. */
const COMPACT = byCompactKey(
  (['any', 'exact', 'listOnly'] as const).flatMap((mode) => [...FORMS[mode]].map(([form, canonical]) => [form, { canonical, mode }] as const)),
  (found) => found.canonical,
);

/** Values by their forms' compact keys; a key that forms of two different skills share names neither and is left out. */
function byCompactKey<V>(entries: Iterable<readonly [string, V]>, canonicalOf: (value: V) => string): Map<string, V> {
  const byKey = new Map<string, V | null>();
  for (const [form, value] of entries) {
    const key = compact(form);
    if (key.length < 4) continue;
    const seen = byKey.get(key);
    byKey.set(key, seen === undefined || (seen !== null && canonicalOf(seen) === canonicalOf(value)) ? value : null);
  }
  return new Map([...byKey].filter((entry): entry is [string, V] => entry[1] !== null));
}

/** "TypeScript/JavaScript", "HTML5/CSS3": names joined by a slash, when the whole is no name itself. */
function lookupParts(word: string, inList: boolean): { canonical: string; mode: Mode } | undefined {
  if (!word.includes('/')) return undefined;
  const parts = word
    .split('/')
    .map((part) => lookup(part, inList))
    .filter((found): found is { canonical: string; mode: Mode } => Boolean(found));
  return parts.length ? { canonical: parts.map((part) => part.canonical).join('\n'), mode: parts[0]!.mode } : undefined;
}

/**
 * Items of a skills list the taxonomy does not know ("Zemax, Code V, CAD, Vectorworks"): after a
 * category label ("Tools: …"), split at the list's separators. Only a line that is a list — two
 * items or more, one of them a skill the taxonomy knows — counts, and only items of one to three
 * words, without digits or sentence punctuation, that are not a proficiency ("Advanced").
 */
function unknownListItems(line: string): string[] {
  const body = line.replace(/^\s*[\p{L}][\p{L}\s&/+-]{1,40}?\s*[:：]\s*/u, '').replace(SCRIPTS_WITHOUT_SPACES, ', ');
  const items = listItems(body)
    .map((item) => item.replace(/^[^\p{L}\p{N}.#]+|[.:;)\]]+$/gu, '').trim())
    .filter(Boolean);
  // A sentence split at its commas ("Extracted, cleaned, and merged the data from …") is no list: one part runs on.
  if (items.length < 2 || body.length > 300 || items.some((item) => item.split(/\s+/).length > 5)) return [];
  const known = items.filter((item) => matchForms(item, true).length > 0);
  // A list of spoken languages ("English | French | Chinese") names no unknown skills.
  if (known.length === 0 || known.some((item) => matchForms(item, true).some((hit) => KIND.get(hit.canonical) === 'language'))) return [];
  const unknown: string[] = [];
  for (const item of items) {
    if (known.includes(item)) continue;
    const words = item.split(/\s+/);
    // Tools are often written in lower case ("dplyr", "asdf", "scikit-image"): one such word counts in a list of three or more.
    const lowerCaseTool = items.length >= 3 && words.length === 1 && /^\p{Ll}[\p{L}\p{N}._+#-]*$/u.test(item) && !COMMON_WORD.test(item);
    if (
      words.length > 3 ||
      item.length > 30 ||
      !(/^[\p{Lu}\p{N}.]/u.test(item) || lowerCaseTool) ||
      /[\d()!?@:]/.test(item.replace(/^[\p{L}.+#-]{2,}\s?\d+(?:\.\d+)?$/u, '')) ||
      PROFICIENCY.test(item) ||
      STOPWORD_START.test(item) ||
      // Product names are often written in camel case ("OneDrive"); words of character are not.
      (TRAIT.test(item) && !/\p{Ll}\p{Lu}/u.test(item)) ||
      // A heading set on the list's first line ("SKILLS  TeX, LaTeX"), or an item cut at the line's end ("Test-").
      headingKind(item) !== undefined ||
      /-$/.test(item)
    )
      continue;
    unknown.push(item.replace(/\s+/g, ' '));
  }
  return unknown;
}

// Words that end a list without naming anything ("…, etc", "and more").
const COMMON_WORD = /^(?:etc|more|others?|misc|basics?|some|many|various|similar|tools?|libraries|frameworks|languages?)$/iu;

const LOOKUP = new Map<string, string>([
  ...[...FORMS.any.entries()],
  ...[...FORMS.exact.entries(), ...FORMS.listOnly.entries()].map(([form, canonical]) => [fold(form), canonical] as const),
  ...ENTRIES.map(([canonical]) => [fold(canonical), canonical] as const),
]);

/** Every form and canonical name by its compact key ("jasperreports", "timeseriesanalysis"); a key two skills share is left out. */
const LOOKUP_COMPACT = byCompactKey(LOOKUP, (canonical) => canonical);

/**
 * The canonical name of a skill as a recruiter typed it ("k8s" → "Kubernetes"), or the input trimmed.
 * Spellings that differ only in spaces, dots, hyphens or a "JS" suffix are one skill ("Knockout JS",
 * "Jasper Reports", "time-series analysis", "Tensor Flow").
 */
export function canonicalSkill(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  return LOOKUP.get(fold(trimmed)) ?? LOOKUP_COMPACT.get(compact(trimmed)) ?? trimmed;
}

/**
 * What two spellings of one skill share, known to the taxonomy or not: its canonical name without case,
 * spaces, dots or hyphens ("LLM-agents" and "LLM agents", "Tool calling" and "tool-calling").
 */
export function skillKey(name: string): string {
  return compact(canonicalSkill(name));
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

/** Whether a text mentions a skill outside the vocabulary, as a whole word; its words may be joined by a hyphen or a space ("tool-calling" for "tool calling"). */
export function mentions(text: string, skill: string): boolean {
  const words = escape(skill.trim()).replace(/\\s\+|-/g, String.raw`[\s\p{Pd}]*`);
  return new RegExp(String.raw`(?<![\p{L}\p{N}+#.\-])${words}(?![\p{L}\p{N}+#]|\.[\p{L}\p{N}])`, 'iu').test(text);
}

/** Whether a skill, as a recruiter typed it, is in the vocabulary. */
export function isKnownSkill(name: string): boolean {
  return LOOKUP.has(fold(name.trim())) || LOOKUP_COMPACT.has(compact(name.trim()));
}
