/**
 * The candidate's name: usually the first line near the top that looks like a person's name — two
 * to four capitalized words in any script with case (José Álvarez-Núñez, Zoë O'Brien, Nguyễn Thị
 * Minh Khai, Łukasz Żółć, Xiaotian YE), with particles (van, de, bin…) allowed and a surname that
 * is also a particle (Debarghya Das) — else a labelled line ("Name: …", "氏名"). The first line
 * may also be a one-word name (Alice) or a name in a script without case (田中 花子, 김민준,
 * محمد علي); text extraction puts the page's largest line first, which is the name in almost
 * every resume.
 */
import { headingKind } from './sections.ts';
import { isKnownSkill } from './skills.ts';

const HEADER_LINES = 12;

// Words that make a line a title, heading or label rather than a name.
const NOT_A_NAME = new RegExp(
  String.raw`(?<!\p{L})(?:curriculum|vitae|vitæ|resume|résumé|cv|lebenslauf|currículo|profile|summary|contact|experience|education|skills|objective|` +
    String.raw`references|portfolio|engineer|developer|manager|designer|analyst|consultant|architect|scientist|director|` +
    String.raw`specialist|officer|lead|head|intern|student|representative|executive|assistant|coordinator|administrator|` +
    String.raw`recruiter|accountant|writer|marketing|sales|software|senior|junior|address|phone|email|mobile|street|road|avenue|` +
    String.raw`university|college|school|institute|inc|ltd|gmbh|llc|corp|company|programming|assessment|highlights|interests|` +
    String.raw`confidential|personal|information|details|about|me|the|and|of|for|with|in|at)(?!\p{L})`,
  'iu',
);
const PARTICLES = new Set([
  'van',
  'von',
  'der',
  'den',
  'de',
  'del',
  'della',
  'di',
  'da',
  'dos',
  'das',
  'du',
  'la',
  'le',
  'bin',
  'binti',
  'ibn',
  'al',
  'el',
  'ten',
  'ter',
  'y',
  'zu',
  'af',
  'av',
]);
// A capitalized word, possibly joined by hyphens or apostrophes (O'Brien, D’Angelo, Jean-Luc,
// McDonald), an initial, or a surname in capitals (YE, NGUYEN).
const PART = String.raw`\p{Lu}[\p{Ll}\p{M}]*(?:\p{Lu}[\p{Ll}\p{M}]+)?`;
const NAME_WORD = new RegExp(String.raw`^(?:${PART}(?:['’-]${PART})*|\p{Lu}\.|\p{Lu}{2,})$`, 'u');
const HONORIFIC = /^(?:dr|mr|mrs|ms|mx|prof|herr|frau|mme)\.?\s+/iu;
const SEPARATORS = /\s*(?:[|•·,;\t]|\s[–—-]\s|\s{2,})\s*/u;
// "Jane Doe — Curriculum Vitae", "JANE DOE RESUME": the document's title after the name.
const TITLE_SUFFIX = /\s*(?:[-–—|:,]\s*)?(?:curriculum\s+vitae|curriculum|résumé|resume|cv|lebenslauf|currículo)\s*$/iu;
// Scripts without letter case: a name is two to four words of them, or one run of two to five characters.
const UNCASED = String.raw`[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Devanagari}\p{Script=Thai}\p{M}ー・]`;
const UNCASED_NAME = new RegExp(String.raw`^(?:${UNCASED}{2,5}|${UNCASED}+(?: ${UNCASED}+){1,3})$`, 'u');
// A nickname word in brackets or quotes between two names, given as it must be printed: capitalized, one or two words.
const NICKNAME = /(?<=\S)\s+(?:\(\p{Lu}[\p{L}'’-]*(?: \p{Lu}[\p{L}'’-]*)?\)|["“”'‘’«]\p{Lu}[\p{L}'’-]*(?: \p{Lu}[\p{L}'’-]*)?["“”'‘’»])\s+(?=\S)/u;
// The label is a word of its own: "Nombre:" is not "Nom" followed by "bre:".
const LABEL = /^(?:full\s+)?(?:name|nom|nombre|nome|vor-?\s*und\s+nachname|氏\s*名|姓\s*名|名\s*前|이\s*름|성\s*명|الاسم|שם)(?![\p{L}])\s*[:：]?\s*(.*)$/iu;
// "Zhanwei Zhang (张展玮)", "Ivan Petrov (Иван Петров)": the name followed by its spelling in another script.
const OTHER_SCRIPT = /\s*[(（][^\p{Script=Latin}()（）]+[)）]\s*$/u;

export function findName(text: string): string | null {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, HEADER_LINES);
  // Lines under the first section heading are entries (a course, an award: "Turing Master Class"): the name is
  // looked for there only when none stands above it.
  const heading = lines.findIndex((line) => headingKind(line));
  const above = heading === -1 ? lines : lines.slice(0, heading);
  // A two-word name anywhere in the header beats a one-word first line ("Sacramento, CA").
  return nameIn(above, false) ?? nameIn(lines.slice(0, 1), true) ?? nameIn(lines.slice(above.length), false);
}

function nameIn(lines: string[], firstLineRules: boolean): string | null {
  for (const [index, line] of lines.entries()) {
    const labelled = LABEL.exec(line);
    if (labelled) {
      // "氏名  田中 花子", or the name on the next line.
      const value = labelled[1]!.split(SEPARATORS)[0]!;
      const name = asName(value, true) ?? (lines[index + 1] ? asName(lines[index + 1]!.split(SEPARATORS)[0]!, true) : null);
      if (name) return name;
      // A label has a colon or a value; "Full Name" alone at the top of a template is what the page says the name is.
      if (/[:：]/.test(line) || labelled[1]!.trim() || !/\s/.test(line)) continue;
    }
    // "HUANG, Xiao": the surname first, in capitals, then the given names.
    const inverted = /^(\p{Lu}{2,}(?:[ -]\p{Lu}{2,})?),\s*(\p{Lu}\p{Ll}+(?:[ -]\p{Lu}\p{Ll}+)*)$/u.exec(line);
    if (inverted) return `${inverted[2]} ${titleCase(inverted[1]!)}`;
    // A header line often carries more after the name: "Ada Lovelace | ada@… | +44 …".
    const first = line.split(SEPARATORS)[0]!;
    const name = asName(first, firstLineRules) ?? asName(leadingName(first), false);
    if (name) return name;
  }
  return null;
}

/** A name, or null; `first` allows what only the first line may be: one word, a name without case. */
function asName(candidate: string, first: boolean): string | null {
  const printed = candidate.normalize('NFC').replace(/\s+/g, ' ').trim().replace(HONORIFIC, '').replace(TITLE_SUFFIX, '').replace(OTHER_SCRIPT, '');
  // A nickname between the names ("Wei (David) Zhang", 'Robert "Bob" Smith') is judged without its brackets and kept as printed.
  const nickname = NICKNAME.exec(printed);
  const text = nickname ? printed.replace(NICKNAME, ' ').replace(/\s+/g, ' ').trim() : printed;
  if (!text || /[\d@/:()]/.test(text)) return null;
  if (UNCASED_NAME.test(text)) return first ? text : null;
  if (NOT_A_NAME.test(text) || headingKind(text) || isKnownSkill(text)) return null;
  // ALL-CAPS headers ("ADA LOVELACE") are judged, and returned, in title case; so is "RyanLester" drawn without its space.
  const spaced = first ? text.replace(/^(\p{Lu}\p{Ll}{2,})(\p{Lu}\p{Ll}{2,})$/u, '$1 $2') : text;
  // A first line in lower case ("ada lovelace", a design choice of some templates) is judged in title case too.
  const allLower = first && spaced === spaced.toLowerCase() && /^\p{Ll}+(?: \p{Ll}+){1,3}$/u.test(spaced);
  const cased = (spaced === spaced.toUpperCase() && /\p{Lu}/u.test(spaced)) || allLower ? titleCase(spaced) : spaced;
  const words = cased.split(' ');
  if (!words.every((word) => NAME_WORD.test(word) || PARTICLES.has(word.toLowerCase()))) return null;
  // Particles are allowed before a surname; a last word that is one is the surname (Das, Bin).
  const named = words.filter((word, i) => i === words.length - 1 || !PARTICLES.has(word.toLowerCase()));
  if (words.length > 5 || named.length > 4) return null;
  if (named.length >= 2) return nickname ? printed : cased;
  return first && words.length === 1 && /^\p{Lu}\p{Ll}{2,}$/u.test(text) ? cased : null;
}

/**
 * The name at the start of a line that runs on without a separator, as OCR reads two columns:
 * "Aditya Singh Bhadoriya Email : adit@…" — the capitalized words before a contact label.
 */
function leadingName(line: string): string {
  const words = line.split(/\s+/);
  const label = words.findIndex((word) => /^(?:e-?mail|phone|mobile|tel|cell|address|linkedin|github|website|contact)\b/i.test(word));
  const before = words.slice(0, label);
  return label >= 2 && label <= 4 && before.every((word) => /^\p{Lu}[\p{Ll}\p{M}'’-]+$/u.test(word)) ? before.join(' ') : '';
}

function titleCase(text: string): string {
  return text.toLowerCase().replace(/(^|[\s'’-])(\p{Ll})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}
