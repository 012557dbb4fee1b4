/**
 * The candidate's name: usually the first line near the top that looks like a person's name — two
 * to four capitalized words in any script with case (José Álvarez-Núñez, Zoë O'Brien, Nguyễn Thị
 * Minh Khai, Łukasz Żółć), with particles (van, de, bin…) allowed — else a "Name: …" line.
 */
const HEADER_LINES = 12;

// Words that make a line a title, heading or label rather than a name.
const NOT_A_NAME = new RegExp(
  String.raw`\b(?:curriculum|vitae|resume|résumé|cv|lebenslauf|profile|summary|contact|experience|education|skills|objective|` +
    String.raw`references|portfolio|engineer|developer|manager|designer|analyst|consultant|architect|scientist|director|` +
    String.raw`specialist|officer|lead|head|intern|student|representative|executive|assistant|coordinator|administrator|` +
    String.raw`recruiter|accountant|writer|marketing|sales|software|senior|junior|address|phone|email|mobile|street|road|avenue|` +
    String.raw`university|college|school|inc|ltd|gmbh|llc)\b`,
  'iu',
);
const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'dos', 'das', 'du', 'la', 'le', 'bin', 'binti', 'ibn', 'al', 'el', 'ten', 'ter', 'y', 'zu', 'af', 'av']);
// A capitalized word, possibly joined by hyphens or apostrophes (O'Brien, D’Angelo, Jean-Luc,
// McDonald), or an initial.
const PART = String.raw`\p{Lu}[\p{Ll}\p{M}]*(?:\p{Lu}[\p{Ll}\p{M}]+)?`;
const NAME_WORD = new RegExp(String.raw`^(?:${PART}(?:['’-]${PART})*|\p{Lu}\.)$`, 'u');
const HONORIFIC = /^(?:dr|mr|mrs|ms|mx|prof|herr|frau|mme)\.?\s+/iu;
const SEPARATORS = /\s*(?:[|•·,;\t]|\s[–—-]\s|\s{2,})\s*/u;

export function findName(text: string): string | null {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean).slice(0, HEADER_LINES);
  for (const line of lines) {
    const labelled = /^(?:full\s+)?(?:name|nom|nombre|nome|vor-?\s*und\s+nachname)\s*:\s*(.+)$/iu.exec(line);
    if (labelled) {
      const name = asName(labelled[1]!.split(SEPARATORS)[0]!);
      if (name) return name;
      continue;
    }
    // A header line often carries more after the name: "Ada Lovelace | ada@… | +44 …".
    const name = asName(line.split(SEPARATORS)[0]!);
    if (name) return name;
  }
  return null;
}

function asName(candidate: string): string | null {
  const text = candidate.normalize('NFC').replace(/\s+/g, ' ').trim().replace(HONORIFIC, '');
  if (!text || /[\d@/:()]/.test(text) || NOT_A_NAME.test(text)) return null;
  // ALL-CAPS headers ("ADA LOVELACE") are judged, and returned, in title case.
  const cased = text === text.toUpperCase() && /\p{Lu}/u.test(text) ? titleCase(text) : text;
  const words = cased.split(' ');
  const named = words.filter((word) => !PARTICLES.has(word.toLowerCase()));
  if (named.length < 2 || words.length > 5 || named.length > 4) return null;
  return words.every((word) => NAME_WORD.test(word) || PARTICLES.has(word.toLowerCase())) ? cased : null;
}

function titleCase(text: string): string {
  return text.toLowerCase().replace(/(^|[\s'’-])(\p{Ll})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}
