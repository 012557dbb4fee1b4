import { sectionLines } from './sections.ts';

/**
 * Total years of experience from the date ranges of a resume's experience section ("Jan 2019 –
 * Mar 2022", "2019-2022", "03/2018 - present", "Sept. 2015 to June 2018", "janv. 2019 – heute").
 * Overlapping jobs count once; ranges in the education section never count. When a resume has no
 * experience heading at all, every range outside education counts.
 */
const MONTHS: Record<string, number> = {
  jan: 0, january: 0, janv: 0, janvier: 0, januar: 0, jän: 0, jänner: 0, ene: 0, enero: 0,
  feb: 1, february: 1, févr: 1, fevr: 1, février: 1, fevrier: 1, februar: 1, febrero: 1,
  mar: 2, march: 2, mars: 2, märz: 2, marz: 2, mär: 2, marzo: 2,
  apr: 3, april: 3, avr: 3, avril: 3, abr: 3, abril: 3,
  may: 4, mai: 4, mayo: 4,
  jun: 5, june: 5, juin: 5, juni: 5, junio: 5,
  jul: 6, july: 6, juil: 6, juillet: 6, juli: 6, julio: 6,
  aug: 7, august: 7, août: 7, aout: 7, ago: 7, agosto: 7,
  sep: 8, sept: 8, september: 8, septembre: 8, septiembre: 8, set: 8,
  oct: 9, october: 9, octobre: 9, oktober: 9, okt: 9, octubre: 9,
  nov: 10, november: 10, novembre: 10, noviembre: 10,
  dec: 11, december: 11, déc: 11, décembre: 11, decembre: 11, dezember: 11, dez: 11, dic: 11, diciembre: 11,
};
const MONTH = `(?:${Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|')})`;
const YEAR = String.raw`(?:19[5-9]\d|20\d\d)`;
// A point in time: "Sept. 2015", "03/2018", "2018-03", "2018".
const POINT = String.raw`(?:${MONTH}\.?\s+${YEAR}|(?:0?[1-9]|1[0-2])[/.]${YEAR}|${YEAR}[/.-](?:0?[1-9]|1[0-2])(?!\d)|${YEAR})`;
const OPEN = String.raw`(?:present|current|now|today|ongoing|date|heute|jetzt|aujourd['’]hui|actuel|actualidad|presente|oggi)`;
const SEPARATOR = String.raw`\s*(?:-|–|—|−|to|till|until|bis|à|au|a|al|hasta)\s*`;
const RANGE = new RegExp(String.raw`(?<![\p{L}\d])(${POINT})${SEPARATOR}(${POINT}|${OPEN})(?![\p{L}\d])`, 'giu');
// "since 2020", "seit 03/2021": a range still open.
const SINCE = new RegExp(String.raw`(?<![\p{L}\d])(?:since|seit|depuis|desde|dal)\s+(${POINT})(?![\p{L}\d])`, 'giu');

export function experienceYears(text: string, now: Date = new Date()): number | null {
  const lines = sectionLines(text);
  const hasExperienceSection = lines.some((line) => line.section === 'experience');
  const nowMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();
  const spans: Array<[number, number]> = [];
  for (const line of lines) {
    if (hasExperienceSection ? line.section !== 'experience' : line.section === 'education') continue;
    for (const match of line.text.matchAll(RANGE)) {
      const start = toMonth(match[1]!, nowMonth);
      const end = Math.min(toMonth(match[2]!, nowMonth), nowMonth);
      if (start < end) spans.push([start, end]);
    }
    for (const match of line.text.matchAll(SINCE)) {
      const start = toMonth(match[1]!, nowMonth);
      if (start < nowMonth) spans.push([start, nowMonth]);
    }
  }
  if (spans.length === 0) return null;
  return Math.round((mergedMonths(spans) / 12) * 10) / 10;
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
function toMonth(point: string, nowMonth: number): number {
  const value = point.trim().toLowerCase();
  if (new RegExp(`^${OPEN}$`, 'iu').test(value)) return nowMonth;
  const named = new RegExp(String.raw`^(${MONTH})\.?\s+(\d{4})$`, 'iu').exec(value);
  if (named) return Number(named[2]) * 12 + MONTHS[named[1]!]!;
  const monthFirst = /^(\d{1,2})[/.](\d{4})$/.exec(value);
  if (monthFirst) return Number(monthFirst[2]) * 12 + Number(monthFirst[1]) - 1;
  const yearFirst = /^(\d{4})[/.-](\d{1,2})$/.exec(value);
  if (yearFirst) return Number(yearFirst[1]) * 12 + Number(yearFirst[2]) - 1;
  return Number(value) * 12;
}
