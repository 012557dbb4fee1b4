import { sectionLines } from './sections.ts';

/**
 * Total years of experience from the date ranges of a resume's work sections ("Jan 2019 –
 * Mar 2022", "2019-2022", "03/2018 - present", "Sept. 2015 to June 2018", "janv. 2019 – heute",
 * "Jul/2025 – Atual", "2023 Mar. — 2024 Jul.", "Sep 2023 Mar 2024", "2015 年 3 月 – 至今", "July – September 2021").
 * Overlapping jobs count once; a range split over two lines ("2017 –" then "Present") is joined.
 * Only work-like sections count: a resume without one has no figure rather than a wrong one.
 */
const MONTHS: Record<string, number> = {
  jan: 0,
  january: 0,
  janv: 0,
  janvier: 0,
  januar: 0,
  jän: 0,
  jänner: 0,
  ene: 0,
  enero: 0,
  feb: 1,
  february: 1,
  févr: 1,
  fevr: 1,
  février: 1,
  fevrier: 1,
  februar: 1,
  febrero: 1,
  mar: 2,
  march: 2,
  mars: 2,
  märz: 2,
  marz: 2,
  mär: 2,
  marzo: 2,
  apr: 3,
  april: 3,
  avr: 3,
  avril: 3,
  abr: 3,
  abril: 3,
  may: 4,
  mai: 4,
  mayo: 4,
  jun: 5,
  june: 5,
  juin: 5,
  juni: 5,
  junio: 5,
  jul: 6,
  july: 6,
  juil: 6,
  juillet: 6,
  juli: 6,
  julio: 6,
  aug: 7,
  august: 7,
  août: 7,
  aout: 7,
  ago: 7,
  agosto: 7,
  sep: 8,
  sept: 8,
  september: 8,
  septembre: 8,
  septiembre: 8,
  set: 8,
  oct: 9,
  october: 9,
  octobre: 9,
  oktober: 9,
  okt: 9,
  octubre: 9,
  nov: 10,
  november: 10,
  novembre: 10,
  noviembre: 10,
  dec: 11,
  december: 11,
  déc: 11,
  décembre: 11,
  decembre: 11,
  dezember: 11,
  dez: 11,
  dic: 11,
  diciembre: 11,
  fev: 1,
  fevereiro: 1,
  março: 2,
  marco: 2,
  maio: 4,
  junho: 5,
  julho: 6,
  setembro: 8,
  outubro: 9,
  out: 9,
  novembro: 10,
  dezembro: 11,
  gennaio: 0,
  febbraio: 1,
  aprile: 3,
  maggio: 4,
  giugno: 5,
  luglio: 6,
  settembre: 8,
  ottobre: 9,
};
// The month names of the languages resumes are most often written in besides English, long and short, as
// the platform's locale data spells them ("juil.", "févr.", "sept.", "mag", "out"), both alone ("январь",
// "styczeń") and inside a date, where Slavic languages inflect them ("января", "stycznia"), beside the table above.
// A Latin-script short form of three letters is left out for the languages added last: "sie", "led", "pro" are words.
const OLDER_LOCALES = ['fr', 'de', 'es', 'pt', 'it', 'nl'];
for (const locale of [...OLDER_LOCALES, 'ru', 'uk', 'be', 'bg', 'pl', 'cs', 'sk', 'tr', 'sv', 'da', 'nb', 'fi', 'ro']) {
  const forms = [
    { month: 'long', standalone: true },
    { month: 'short', standalone: true },
    { month: 'long', standalone: false },
    { month: 'short', standalone: false },
  ] as const;
  for (const { month, standalone } of forms) {
    const format = new Intl.DateTimeFormat(locale, standalone ? { month, timeZone: 'UTC' } : { month, day: 'numeric', timeZone: 'UTC' });
    for (let index = 0; index < 12; index += 1) {
      const part = format.formatToParts(Date.UTC(2000, index, 15)).find((piece) => piece.type === 'month')?.value ?? '';
      const name = part.toLowerCase().replace(/\.$/, '');
      if (!/^\p{L}{3,}$/u.test(name)) continue;
      if (month === 'short' && !OLDER_LOCALES.includes(locale) && name.length < 4 && /^\p{Script=Latin}+$/u.test(name)) continue;
      MONTHS[name] ??= index;
    }
  }
}
const MONTH = `(?:${Object.keys(MONTHS)
  .filter((name) => !name.includes('_'))
  .sort((a, b) => b.length - a.length)
  .join('|')})`;
const YEAR = String.raw`(?:19[5-9]\d|20\d\d)`;
// A season of a year ("Summer 2019", "Fall 2019 – Spring 2021"), as students' internships and terms are dated: the
// month it starts in; a range ending with a season ends when the season does, three months on.
const SEASONS: Record<string, number> = {
  winter: 0,
  spring: 3,
  summer: 5,
  fall: 8,
  autumn: 8,
  hiver: 0,
  printemps: 3,
  été: 5,
  automne: 8,
  frühling: 3,
  frühjahr: 3,
  sommer: 5,
  herbst: 8,
  invierno: 0,
  primavera: 3,
  verano: 5,
  otoño: 8,
  inverno: 0,
  verão: 5,
  outono: 8,
};
const SEASON_MONTHS = 3;
const SEASON = `(?:${Object.keys(SEASONS).join('|')})`;
// A point in time: "Sept. 2015", "02 Mai, 2023", "Jul/2025", "Sep '15", "2023 Mar.", "03/2018",
// "15.03.2018", "2018-03", "2015 年 3 月", "2018".
const DAY = String.raw`(?:0?[1-9]|[12]\d|3[01])`;
const MONTH_NUMBER = String.raw`(?:0?[1-9]|1[0-2])`;
const POINT = String.raw`(?:${SEASON}\s+${YEAR}|(?:${DAY}\.?\s+)?${MONTH}\.?,?(?:\s*|\s*[/'’]\s*)${YEAR}|${MONTH}\.?\s+${DAY},\s+${YEAR}|${YEAR}\s+${MONTH}\.?|${YEAR}\s*年\s*${MONTH_NUMBER}\s*月|(?:${DAY}[/.])?${MONTH_NUMBER}[/.]${YEAR}|${YEAR}[/.-]${MONTH_NUMBER}(?!\d)|${YEAR}|${MONTH}\.?\s*['’]?\d\d(?![\d:]))`;
const OPEN =
  String.raw`(?:\.\.\.|…|present|current|currently|now|today|ongoing|date|till date|to date|heute|jetzt|aktuell|derzeit|laufend|bis heute|hoy|(?:(?:a|hasta)\s+)?la\s+fecha|hasta\s+hoy|(?:a|hasta)\s+la\s+actualidad|(?:alla\s+)?data\s+attuale|attuale|ad oggi|em curso|aujourd['’]hui|jusqu['’]à\s+présent|à\s+ce\s+jour|présent|actuel|en cours|en poste|até\s+(?:hoje|o\s+momento)|hoje|actualidad|actual|actualmente|presente|atual|atualmente|oggi|in corso|` +
  // Russian, Ukrainian, Polish, Czech, Turkish, Scandinavian, Dutch, Romanian: "по настоящее время", "по наст. вр.", "н.в.", "obecnie", "günümüz".
  String.raw`(?:по\s+)?(?:настоящее\s+время|наст\.\s?вр(?:емя|\.)?|н\.\s?в\.|сей день|текущий момент)|сейчас|теперішній час|дотепер|зараз|obecnie|nadal|teraz|dotychczas|` +
  String.raw`současnost|dosud|günümüz|halen|devam ediyor|nu|nå|pågående|idag|i dag|heden|huidig|prezent|în prezent|до сих пор|по сей день|` +
  // Indonesian, Vietnamese, Korean, Arabic, Hebrew, Hindi, Chinese and Japanese: "saat ini", "hiện tại", "현재", "الآن", "היום", "वर्तमान", "至今".
  String.raw`saat ini|sekarang|hiện tại|hiện nay|현재|재직\s?중|حتى\s+الآن|الآن|עד\s+היום|היום|כיום|वर्तमान|अब तक|至今|现在|現在|今)`;
const DASH = '(?:--|-|–|—|−|‐|‑|‒|―|~|〜|～)';
// "to", "bis zum", "hasta el", "jusqu'au": a word for "until", perhaps with its article.
const SEPARATOR = String.raw`\s*(?:${DASH}|(?:to|till|until|bis|à|au|a|al|hasta|até|tot|по|до|do|jusqu['’]?(?:au|à|a))(?:\s+(?:the|zum|zur|el|la|le|o))?)\s*`;
// Month-year points may follow each other with nothing between them ("Sep 2023 Mar 2024"): the dash was a drawing.
const NAMED_POINT = String.raw`(?:${MONTH}\.?\s+${YEAR})`;
const RANGE = new RegExp(
  String.raw`(?<![\p{L}\d])(?:(${POINT})${SEPARATOR}(${POINT}|${OPEN})|(${NAMED_POINT})\s+(${NAMED_POINT}|${OPEN}))(?![\p{L}\d])`,
  'giu',
);
const SHORT_RANGE = new RegExp(String.raw`(?<![\p{L}\d.])(${YEAR})\s*(${DASH}|\.)\s*(\d\d)(?![\p{L}\d]|\.\d)`, 'gu');
const SEASON_ALONE = new RegExp(String.raw`(?<![\p{L}\d])${SEASON}\s+${YEAR}(?![\p{L}\d])`, 'giu');
const ANY_YEAR = new RegExp(String.raw`(?<!\d)${YEAR}(?!\d)`, 'u');
// "July – September 2021", "Mar. – Dic. 2011": two months of one year.
const MONTHS_OF_YEAR = new RegExp(String.raw`(?<![\p{L}\d])(${MONTH})\.?\s*${DASH}\s*(${MONTH})\.?,?\s+(${YEAR})(?![\p{L}\d])`, 'giu');
// "since 2020", "seit 03/2021": a range still open.
const SINCE = new RegExp(
  String.raw`(?<![\p{L}\d])(?:since|seit|depuis|desde|dal|vanaf|sedan|с|від|з|od)\s+(?:(?:el|le|la|o|the)\s+)?(${POINT})(?![\p{L}\d])`,
  'giu',
);

// Unpaid work listed among the jobs: a volunteer role, or a student's own thesis ("Master's Dissertation  Oct 2020 – Jul 2021").
const NOT_A_JOB =
  /(?<!\p{L})(?:volunteer(?:ing)?|ehrenamt\p{L}*|bénévol\p{L}*|voluntari[oa]|volontari[oa]|voluntário|volontaire|dissertation|thesis|thèse|tesis|tese|tesi|masterarbeit|bachelorarbeit|abschlussarbeit|capstone)(?!\p{L})/iu;

export function experienceYears(text: string, now: Date = new Date()): number | null {
  const nowMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();
  const lines = sectionLines(text);
  // Research positions count when the resume lists no other work; teaching when it lists neither. A work
  // section without a single year ("Experience with: Python, Git" read as one) lists no work; one whose
  // dates cannot be read gives no figure rather than that of another section.
  for (const kind of ['experience', 'research', 'teaching'] as const) {
    const texts = lines.filter((line) => line.section === kind).map((line) => line.text);
    const spans = workSpans(texts, nowMonth);
    if (spans.length > 0) return Math.round((mergedMonths(spans) / 12) * 10) / 10;
    if (texts.some((text) => ANY_YEAR.test(text))) return null;
  }
  return null;
}

/** The date ranges of a work section's lines, as month spans. */
function workSpans(texts: string[], nowMonth: number): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  // A volunteer role or a thesis listed among the jobs ("Volunteer Coordinator, Food Bank  2019 – Present") is not work:
  // its range is on its line or under a title line without dates.
  const unpaid = texts.map((text, index) => NOT_A_JOB.test(text) || (index > 0 && NOT_A_JOB.test(texts[index - 1]!) && !/\d/.test(texts[index - 1]!)));
  for (const line of joinSplitRanges(
    texts.filter((_, index) => !unpaid[index]),
    nowMonth,
  )) {
    for (const match of line.matchAll(RANGE)) {
      if (inSentence(line, match)) continue;
      const start = toMonth(match[1] ?? match[3]!, nowMonth);
      const end = Math.min(toMonth(match[2] ?? match[4]!, nowMonth, 'end'), nowMonth);
      // A range that starts and ends in the same month (a template's placeholder, a one-off job) is a job of no length.
      if (start <= end) spans.push([start, end]);
    }
    // "Software Engineering Intern, Google  Summer 2019": a season alone dates a job of that season, where it stands
    // as a date does (after a column gap or at the end of a short line), not inside a sentence.
    const ranged = [...line.matchAll(RANGE)].map((match) => [match.index, match.index + match[0].length]);
    for (const match of line.matchAll(SEASON_ALONE)) {
      if (ranged.some(([from, to]) => match.index >= from! && match.index < to!)) continue;
      const asDate = /^\s*(?:$|\s{2}|[|•·,–—-])/u.test(line.slice(match.index + match[0].length)) || line.trim().split(/\s+/).length <= 10;
      if (!asDate) continue;
      const start = toMonth(match[0], nowMonth);
      if (start < nowMonth) spans.push([start, Math.min(start + SEASON_MONTHS, nowMonth)]);
    }
    for (const match of line.matchAll(MONTHS_OF_YEAR)) {
      const [start, end] = [MONTHS[match[1]!.toLowerCase()]!, MONTHS[match[2]!.toLowerCase()]!];
      if (start < end) spans.push([Number(match[3]) * 12 + start, Math.min(Number(match[3]) * 12 + end, nowMonth)]);
    }
    // "2021–23", "2023.24": the end year by its last two digits (after a dot only when they cannot be a month).
    for (const match of line.matchAll(SHORT_RANGE)) {
      const [startYear, separator, endDigits] = [Number(match[1]), match[2]!, Number(match[3])];
      const endYear = Math.floor(startYear / 100) * 100 + endDigits;
      if (endYear <= startYear || (separator === '.' && endDigits <= 12)) continue;
      spans.push([startYear * 12, Math.min(endYear * 12, nowMonth)]);
    }
    // "desde 27/03/2014 hasta el 03/05/2018" is a closed range: "since" opens one only where no end follows.
    const closed = [...line.matchAll(RANGE)].map((match) => match.index + match[0].indexOf(match[1] ?? match[3]!));
    for (const match of line.matchAll(SINCE)) {
      if (closed.includes(match.index + match[0].lastIndexOf(match[1]!))) continue;
      const start = toMonth(match[1]!, nowMonth);
      if (start < nowMonth) spans.push([start, nowMonth]);
    }
  }
  return spans;
}

/**
 * Years alone inside a sentence — after a lower-case word, and before another or at the end of a line of
 * ten words or more ("heat maps for years 2001-2020 depicting …", "… crimes committed each year for
 * 2001-2020") — are a period the sentence is about, not a job's dates.
 */
const YEARS_ONLY = new RegExp(String.raw`^${YEAR}\s*${DASH}\s*${YEAR}$`, 'u');

function inSentence(line: string, match: RegExpMatchArray): boolean {
  const yearsOnly = YEARS_ONLY.test(match[0]);
  const before = line.slice(0, match.index);
  const after = line.slice(match.index! + match[0].length);
  const sentenceGoesOn = /^\s\p{Ll}/u.test(after) || (/^[\s.]*$/u.test(after) && before.trim().split(/\s+/).length >= 10);
  return yearsOnly && /(?<!\p{L})\p{Ll}+\s$/u.test(before) && sentenceGoesOn;
}

/**
 * "2017 –" at the end of a line and "Present" (or a date) at the start of the next are one range.
 * Two years in columns of their own at the start of a line are a range too ("2011  2015  Postdoc").
 * So are a line that starts with a date ("2015  Some Position") and a line of a date alone a few
 * lines below ("present"): a timeline drawn with the start above the end.
 */
function joinSplitRanges(lines: string[], nowMonth: number): string[] {
  const joined: string[] = [];
  const dangling = new RegExp(String.raw`(?:${POINT})\s*${DASH}$`, 'iu');
  const opening = new RegExp(String.raw`^\s*(?:${POINT}|${OPEN})(?![\p{L}\d])`, 'iu');
  // Two years at the start of a line in columns of their own ("2011⇥2015⇥Postdoc", a tab stop's gap) are a range.
  const yearColumns = new RegExp(String.raw`^(\s*)(${YEAR})\s{2,}(${YEAR})(?=\s{2,}|$)`, 'u');
  for (const raw of lines) {
    const line = raw.replace(yearColumns, (whole, indent: string, start: string, end: string) =>
      Number(end) > Number(start) ? `${indent}${start} – ${end}` : whole,
    );
    const previous = joined.at(-1);
    if (previous !== undefined && dangling.test(previous.trimEnd()) && opening.test(line)) joined[joined.length - 1] = `${previous.trimEnd()} ${line}`;
    else joined.push(line);
  }
  return [...joined, ...timelineRanges(joined, nowMonth), ...columnRanges(joined)];
}

/**
 * A narrow date column beside the entries, read line by line between them: "2023-" then the title
 * then "PRESENT"; "FEB-SEPT" then the title then "2020" (both months of that year).
 */
function columnRanges(lines: string[]): string[] {
  const danglingAlone = new RegExp(String.raw`^\s*(${POINT})\s*${DASH}\s*$`, 'iu');
  const endAlone = new RegExp(String.raw`^\s*(${POINT}|${OPEN})\s*$`, 'iu');
  const monthsAlone = new RegExp(String.raw`^\s*(${MONTH})\.?\s*${DASH}\s*(${MONTH})\.?\s*$`, 'iu');
  const yearAlone = new RegExp(String.raw`^\s*(${YEAR})\s*$`, 'u');
  const ranges: string[] = [];
  lines.forEach((line, index) => {
    const below = lines.slice(index + 1, index + 3);
    const start = danglingAlone.exec(line);
    const end = start && below.map((next) => endAlone.exec(next)).find(Boolean);
    if (start && end) ranges.push(`${start[1]} – ${end[1]}`);
    const months = monthsAlone.exec(line);
    const year = months && below.map((next) => yearAlone.exec(next)).find(Boolean);
    if (months && year) ranges.push(`${months[1]} ${year[1]} – ${months[2]} ${year[1]}`);
  });
  return ranges;
}

function timelineRanges(lines: string[], nowMonth: number): string[] {
  const startsWithPoint = new RegExp(String.raw`^\s*(${POINT})(?![\p{L}\d])\s+\p{L}`, 'iu');
  const pointAlone = new RegExp(String.raw`^\s*(${POINT}|${OPEN})\s*$`, 'iu');
  const ranges: string[] = [];
  const range = new RegExp(RANGE.source, 'iu');
  // Two lines in a row that each start with a month ("Present | Engineer, Acme" / "Jul 2024 | Lab"): the
  // range drawn as a stack, the end above the start or the start above the end. Years alone are a list of dated items.
  const monthFirst = new RegExp(String.raw`^\s*(${POINT}|${OPEN})(?![\p{L}\d])\s*[^\p{L}\p{N}\s]?\s*\p{L}`, 'iu');
  for (let index = 0; index + 1 < lines.length; index += 1) {
    const [upper, lower] = [monthFirst.exec(lines[index]!), monthFirst.exec(lines[index + 1]!)];
    if (!upper || !lower || range.test(lines[index]!) || range.test(lines[index + 1]!) || ![upper[1]!, lower[1]!].every((point) => /\p{L}|[/.]/u.test(point)))
      continue;
    const [a, b] = [toMonth(upper[1]!, nowMonth), toMonth(lower[1]!, nowMonth)];
    if (a === b) continue;
    ranges.push(a > b ? `${lower[1]} – ${upper[1]}` : `${upper[1]} – ${lower[1]}`);
    index += 1;
  }
  lines.forEach((line, index) => {
    const start = startsWithPoint.exec(line);
    if (!start || range.test(line)) return;
    const end = lines
      .slice(index + 1, index + 4)
      .map((next) => pointAlone.exec(next))
      .find(Boolean);
    if (end) ranges.push(`${start[1]} – ${end[1]}`);
  });
  return ranges;
}

/** Months covered by the union of the spans. */
function mergedMonths(spans: Array<[number, number]>): number {
  spans.sort((a, b) => a[0] - b[0]);
  let months = 0;
  let [currentStart, currentEnd] = spans[0]!;
  for (const [start, end] of spans.slice(1)) {
    if (start <= currentEnd) currentEnd = Math.max(currentEnd, end);
    else {
      months += currentEnd - currentStart;
      [currentStart, currentEnd] = [start, end];
    }
  }
  return months + currentEnd - currentStart;
}

/** A point as a month count (year × 12 + month); a bare year counts from January, so "2019–2022" is three years. */
function toMonth(point: string, nowMonth: number, side: 'start' | 'end' = 'start'): number {
  // The day of a full date does not matter: "02 Mai, 2023" is "mai 2023", "15.03.2018" is "03.2018".
  const value = point
    .trim()
    .toLowerCase()
    .replace(/^\d{1,2}\.?\s+(?=\p{L})/u, '')
    .replace(/^(\p{L}+\.?)\s+\d{1,2},/u, '$1')
    .replace(/,/g, '')
    .replace(/^\d{1,2}[/.](?=\d{1,2}[/.]\d{4}$)/, '');
  if (new RegExp(`^${OPEN}$`, 'iu').test(value)) return nowMonth;
  const season = new RegExp(String.raw`^(${SEASON})\s+(\d{4})$`, 'iu').exec(value);
  if (season) return Number(season[2]) * 12 + SEASONS[season[1]!]! + (side === 'end' ? SEASON_MONTHS : 0);
  const named = new RegExp(String.raw`^(${MONTH})\.?(?:\s*|\s*[/'’]\s*)(\d{4})$`, 'iu').exec(value);
  if (named) return Number(named[2]) * 12 + MONTHS[named[1]!]!;
  const shortYear = new RegExp(String.raw`^(${MONTH})\.?\s*['’]?(\d\d)$`, 'iu').exec(value);
  if (shortYear) return fullYear(Number(shortYear[2]), nowMonth) * 12 + MONTHS[shortYear[1]!]!;
  const yearNamed = new RegExp(String.raw`^(\d{4})\s+(${MONTH})\.?$`, 'iu').exec(value);
  if (yearNamed) return Number(yearNamed[1]) * 12 + MONTHS[yearNamed[2]!]!;
  const cjk = /^(\d{4})\s*年\s*(\d{1,2})\s*月$/u.exec(value);
  if (cjk) return Number(cjk[1]) * 12 + Number(cjk[2]) - 1;
  const monthFirst = /^(\d{1,2})[/.](\d{4})$/.exec(value);
  if (monthFirst) return Number(monthFirst[2]) * 12 + Number(monthFirst[1]) - 1;
  const yearFirst = /^(\d{4})[/.-](\d{1,2})$/.exec(value);
  if (yearFirst) return Number(yearFirst[1]) * 12 + Number(yearFirst[2]) - 1;
  return Number(value) * 12;
}

/** "Sep '15": a two-digit year is this century's unless that would be in the future. */
function fullYear(twoDigits: number, nowMonth: number): number {
  const thisYear = Math.floor(nowMonth / 12);
  const candidate = 2000 + twoDigits;
  return candidate <= thisYear ? candidate : 1900 + twoDigits;
}
