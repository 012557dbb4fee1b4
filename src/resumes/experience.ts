/**
 * Total years of experience from the date ranges of a resume's experience section ("Jan 2019 –
 * Mar 2022", "2019-2022", "03/2018 - present", "Sept. 2015 to June 2018"). Overlapping jobs count
 * once; ranges in the education section are ignored.
 */
const MONTHS: Record<string, number> = {
  jan: 0, january: 0, janvier: 0, januar: 0,
  feb: 1, february: 1, février: 1, fevrier: 1, februar: 1,
  mar: 2, march: 2, mars: 2, märz: 2, marz: 2,
  apr: 3, april: 3, avril: 3,
  may: 4, mai: 4,
  jun: 5, june: 5, juin: 5, juni: 5,
  jul: 6, july: 6, juillet: 6, juli: 6,
  aug: 7, august: 7, août: 7, aout: 7,
  sep: 8, sept: 8, september: 8, septembre: 8,
  oct: 9, october: 9, octobre: 9, oktober: 9,
  nov: 10, november: 10, novembre: 10,
  dec: 11, december: 11, décembre: 11, decembre: 11, dezember: 11,
};
const MONTH = `(?:${Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|')})\\.?`;
const POINT = `(?:${MONTH}\\s+\\d{4}|\\d{1,2}[/.]\\d{4}|\\d{4}[-/.]\\d{1,2}|\\d{4})`;
const OPEN = '(?:present|current|now|today|ongoing|heute|aujourd\'hui)';
const RANGE = new RegExp(`(${POINT})\\s*(?:-|–|—|to|until|bis|à)\\s*(${POINT}|${OPEN})`, 'giu');

const SECTION = /^\s*(experience|work experience|professional experience|employment|employment history|work history|career|berufserfahrung|expérience professionnelle|education|ausbildung|formation|skills|projects|certifications|languages|publications|awards|interests|references)\b[:\s]*$/iu;
const EXPERIENCE = /^(experience|work experience|professional experience|employment|employment history|work history|career|berufserfahrung|expérience professionnelle)$/iu;

export function experienceYears(text: string, now: Date = new Date()): number | null {
  const spans: Array<[number, number]> = [];
  let section: 'experience' | 'other' | 'none' = 'none';
  for (const line of text.split('\n')) {
    const heading = SECTION.exec(line);
    if (heading) {
      section = EXPERIENCE.test(heading[1]!.trim()) ? 'experience' : 'other';
      continue;
    }
    if (section === 'other') continue;
    for (const match of line.matchAll(RANGE)) {
      const start = toMonth(match[1]!, now);
      const end = toMonth(match[2]!, now);
      if (start !== null && end !== null && end >= start && start > 1950 * 12) spans.push([start, end]);
    }
  }
  if (spans.length === 0) return null;
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
  months += currentEnd - currentStart;
  return Math.round((months / 12) * 10) / 10;
}

/** A date as a month count (year × 12 + month); a bare year counts from January ("2019–2022" is three years). */
function toMonth(point: string, now: Date): number | null {
  const value = point.trim().toLowerCase();
  if (new RegExp(`^${OPEN}$`, 'iu').test(value)) return now.getUTCFullYear() * 12 + now.getUTCMonth();
  let match = new RegExp(`^(${MONTH})\\s+(\\d{4})$`, 'iu').exec(value);
  if (match) return Number(match[2]) * 12 + (MONTHS[match[1]!.replace('.', '')] ?? 0);
  match = /^(\d{1,2})[/.](\d{4})$/.exec(value);
  if (match) return Number(match[2]) * 12 + Number(match[1]) - 1;
  match = /^(\d{4})[-/.](\d{1,2})$/.exec(value);
  if (match) return Number(match[1]) * 12 + Number(match[2]) - 1;
  match = /^(\d{4})$/.exec(value);
  if (match) return Number(match[1]) * 12;
  return null;
}
