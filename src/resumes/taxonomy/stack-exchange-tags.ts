// Adds Stack Exchange tags with many questions to skills.json, by the rules in SOURCES.md
// ("Stack Exchange tags"). Run from the repository root, with tag lists exported from the Stack
// Exchange Data Explorer (columns Id,TagName,Count,…) and the least question count for each:
//   node src/resumes/taxonomy/stack-exchange-tags.ts stackoverflow.csv:1000 cross_validated.csv:300 gis.csv:300
// It needs a word list of English (Debian's wamerican, /usr/share/dict/words), and changes only
// what it adds: existing skills and their forms are left as they are.
import { readFileSync, writeFileSync } from 'node:fs';

interface Entry {
  synonyms?: string[];
  exact?: string[];
  listOnly?: string[];
  parent?: string;
  kind: string;
}
const FILE = 'src/resumes/taxonomy/skills.json';
const taxonomy = JSON.parse(readFileSync(FILE, 'utf8')) as { sources: Array<Record<string, string>>; skills: Record<string, Entry> };
const dictionary = new Set(
  readFileSync('/usr/share/dict/words', 'utf8')
    .split('\n')
    .map((word) => word.toLowerCase()),
);

// Forms already known, by their letters and digits alone ("Node.js" = "nodejs" = "node js").
const key = (form: string) => form.toLowerCase().replace(/[\s._-]+/g, '');
const known = new Set<string>();
for (const [canonical, entry] of Object.entries(taxonomy.skills))
  for (const form of [canonical, ...(entry.synonyms ?? []), ...(entry.exact ?? []), ...(entry.listOnly ?? [])]) known.add(key(form));

/**
 * Whether a word is English: in the word list, or made of it — an inflection ("analytics",
 * "versioning", "scalability") or two words run together ("dataset", "runtime", "callback").
 */
function englishWord(word: string): boolean {
  if (dictionary.has(word)) return true;
  const stems = [/s$/, /es$/, /ing$/, /ed$/, /ability$/, /ity$/, /ation$/].map((suffix) => word.replace(suffix, ''));
  if (stems.some((stem) => stem !== word && (dictionary.has(stem) || dictionary.has(`${stem}e`) || dictionary.has(`${stem}able`)))) return true;
  for (let cut = 3; cut <= word.length - 3; cut += 1) if (dictionary.has(word.slice(0, cut)) && englishWord(word.slice(cut))) return true;
  return false;
}
const VENDOR = /^(?:ms|microsoft|google|apache|amazon|aws|ibm|oracle|adobe|autodesk|apple|jetbrains|atlassian|hashicorp)\s+/;

// Tags about a question rather than a skill, or words of character.
const NOT_A_SKILL =
  /^(?:self study|homework|references|terminology|interview questions|best practices|code review|beginner|coding style|error handling|open source|computer science|natural language|operating system)$/;

let added = 0;
for (const argument of process.argv.slice(2)) {
  const [file, least] = argument.split(/:(?=\d+$)/) as [string, string];
  for (const row of readFileSync(file, 'utf8').split('\n').slice(1)) {
    const [, tag, count] = /^"?\d+"?,"([^"]*)","(\d+)"/.exec(row) ?? [];
    if (!tag || Number(count) < Number(least)) continue;
    const parts = tag.split('-');
    // Versions ("python-3.x", "angular-17"), one- and two-letter tags, and long phrases are left out.
    if (parts.length > 3 || tag.length < 3 || parts.some((part) => /^(?:\d+(?:\.\d+|\.x)*|x)$/.test(part)) || !/^[a-z0-9.#+-]+$/.test(tag)) continue;
    const form = parts.join(' ');
    // "ms-word", "apache-kafka": a vendor's name before a known product is that product; so is a version after it ("ionic2").
    const product = form.replace(VENDOR, '').replace(/(?<=\p{L})\d+$/u, '');
    if (known.has(key(form)) || known.has(key(product)) || known.has(key(`microsoft ${product}`)) || NOT_A_SKILL.test(form)) continue;
    const words = form.split(' ');
    const ordinary = words.every(englishWord);
    // One English word ("string", "analytics", "dataset", "runtime", "jenkins") is as often a word or a name as a skill: left out.
    if (words.length === 1 && ordinary) continue;
    // A known name and what is done with it ("git-clone", "shiny-server", "android-canvas") is a feature, not a skill.
    if (words.length > 1 && known.has(key(words[0]!)) && words.slice(1).every(englishWord)) continue;
    // A phrase of English words names a practice (a concept, counted only in lists); anything else names a tool.
    // The tag as written stays a form, so that "scikit-image" finds "scikit image".
    // A short name ("pid", "sdk", "x86", "zlib") is as often an abbreviation in a sentence: it counts only in a list, in either case.
    const short = words.length === 1 && form.length <= 4;
    taxonomy.skills[form] = {
      ...(tag !== form ? { synonyms: [tag] } : {}),
      ...(short ? { listOnly: [form, form.toUpperCase()] } : {}),
      kind: ordinary ? 'concept' : 'tool',
    };
    known.add(key(form));
    added += 1;
  }
}
const source = 'Stack Exchange Data Explorer, tags with many questions';
if (!taxonomy.sources.some((entry) => entry.name === source))
  taxonomy.sources.push({ name: source, url: 'https://data.stackexchange.com', licence: 'CC BY-SA 4.0 (Stack Exchange, Inc. and its users)' });
// The file's own layout: one source and one skill a line, skills in the order of their lower-case names.
const line = (value: unknown) => JSON.stringify(value).replace(/","/g, '", "').replace(/":/g, '": ').replace(/,"/g, ', "');
const lower = (text: string) => text.toLowerCase();
const skills = Object.entries(taxonomy.skills).sort(([a], [b]) => (lower(a) < lower(b) ? -1 : lower(a) > lower(b) ? 1 : 0));
writeFileSync(
  FILE,
  `{\n  "sources": [\n${taxonomy.sources.map((entry) => `    ${line(entry)}`).join(',\n')}\n  ],\n  "skills": {\n${skills.map(([name, entry]) => `    ${JSON.stringify(name)}: ${line(entry)}`).join(',\n')}\n  }\n}\n`,
);
console.log(`${added} skills added`);
