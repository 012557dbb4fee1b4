import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { sectionLines } from './sections.ts';

/**
 * The candidate's phone number as the document prints it: normalized to E.164 when
 * libphonenumber can read it in the inferred region, else as printed (a template's 123-456-7890
 * is still what the document says), with `valid` telling which. A masked number
 * ("+49 176 313 *** **", "131-221-87xxx") is no number.
 */
export interface FoundPhone {
  /** E.164 when valid, else the digits and separators as printed. */
  number: string;
  valid: boolean;
}

// A run of digits with the separators people print: "+1 (415) 555-0132", "0049 30 901820",
// "07911 123456", "98 765 43210", "+91-98765-43210", "(88) 99811-0397".
const CANDIDATE = /(?<![\p{L}\d])(?:\+|00)?\(?\d[\d\s().\-–‐/]{5,22}\d(?:\s*[*x×X]+[\s*xX×-]*)?/gu;
const YEAR_RANGE = /^\(?(?:1[89]|20)\d\d\)?\s*[-–‐/]\s*\(?(?:1[89]|20)\d\d\)?$/;
// Dates: "12.03.2021", "2021-03-12", "03/2021", "2333/23 – 2333/23".
const DATE = /^(?:\d{1,2}[./-]){2}\d{2,4}$|^\d{4}[./-]\d{1,2}[./-]\d{1,2}$|^(?:0?[1-9]|1[0-2])[/.](?:19|20)\d\d\b|^\d{4}\/\d{1,2}\b/;
// Month and year ranges: "2020.09 - 2024.06", "09/2020 – 06/2024" (a job's or a degree's dates).
const MONTH_YEAR = String.raw`(?:(?:19|20)\d\d[./-](?:0?[1-9]|1[0-2])|(?:0?[1-9]|1[0-2])[./-](?:19|20)\d\d)`;
const MONTH_YEAR_RANGE = new RegExp(String.raw`^\(?${MONTH_YEAR}\s*[-–‐~]\s*${MONTH_YEAR}\)?$`);
// Digits inside an email address or a link ("jane.4155550132@…", "…/status/1234567890") are no number.
const ADDRESS_OR_LINK = /\S+@\S+|(?:https?:\/\/|www\.)\S+|[\p{L}\d-]+(?:\.[\p{L}\d-]+)*\.[a-z]{2,}\/\S*/giu;
// Latin-script labels are whole words ("tel" is no label inside "intelligence"), German compounds aside; scripts
// written without spaces are matched anywhere.
const PHONE_LABEL =
  /(?<!\p{L})(?:(?:tele|cell|smart|mobile\s?|home\s?|work\s?)?phone|tel|telephone|mobile?|mob|cell|handy|telefon|téléphone|portable|teléfono|móvil|celular|cellulare|telefone|whatsapp)(?:nummer|nr)?(?!\p{L})|電話|携帯|手机|电话|연락처|전화|هاتف|טלפון|फ़ोन|फोन/iu;
// A page range or a citation's numbers ("117(14), 7712-7718", "pp. 1742-1753"): two numbers of as many digits, the
// second a little larger, or any number after a bibliographic label.
const PAGE_RANGE = /^(\d{2,5})\s?[-–‐]\s?(\d{2,5})$/;
const CITATION_LABEL = /(?:(?<!\p{L})(?:pp?|pages?|vol|no|nr|doi|isbn|issn|arxiv)\.?:?|\(\d{1,4}\),?)\s*$/iu;

export function findPhones(text: string, region: CountryCode): FoundPhone[] {
  const contact: FoundPhone[] = [];
  const body: FoundPhone[] = [];
  const lines = sectionLines(text);
  // Contact details come together: a line next to an email address is a contact line too (a footer, a sidebar).
  const nearEmail = (index: number) => [index - 1, index, index + 1].some((i) => lines[i]?.text.includes('@'));
  for (const [index, { text: line, section }] of lines.entries()) {
    const labelled = PHONE_LABEL.test(line);
    const contactLine = section === 'header' || section === 'contact' || nearEmail(index) || labelled;
    // A column gap ends a number: "+39 0325658974␣␣1865 Chapter Two".
    for (const match of line
      .replace(ADDRESS_OR_LINK, '  ')
      .split(/\s{2,}/)
      .flatMap((cell) => [...cell.matchAll(CANDIDATE)])) {
      const raw = match[0].trim().replace(/[\s.(–‐/-]+$/, '');
      if (/[*xX×]/.test(raw)) continue; // masked
      if (!labelled && (pageRange(raw) || CITATION_LABEL.test(match.input.slice(0, match.index)))) continue;
      const found = readPhone(raw, region);
      if (!found) continue;
      if (contactLine) contact.push(found);
      // In the body only valid numbers written internationally count: there "2015 - 2019" or an order number may look like one.
      else if ((raw.startsWith('+') || raw.startsWith('00')) && found.valid) body.push(found);
    }
  }
  const seen = new Set<string>();
  // A number libphonenumber accepts beats one taken as printed.
  const ranked = [...contact.filter((phone) => phone.valid), ...body, ...contact.filter((phone) => !phone.valid)];
  return ranked.filter((phone) => !seen.has(phone.number) && seen.add(phone.number));
}

function pageRange(raw: string): boolean {
  const [, first, last] = PAGE_RANGE.exec(raw) ?? [];
  return first !== undefined && first.length === last!.length && Number(last) > Number(first) && Number(last) - Number(first) < 1000;
}

function readPhone(raw: string, region: CountryCode): FoundPhone | null {
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15 || YEAR_RANGE.test(raw) || MONTH_YEAR_RANGE.test(raw) || DATE.test(raw)) return null;
  // A postcode and house number, a year and a count: a phone has at most a few groups.
  if (raw.split(/[\s().\-–‐/]+/).filter(Boolean).length > 6) return null;
  const international = raw.replace(/^00(?=[1-9])/, '+');
  const parsed = parsePhoneNumberFromString(international, region);
  if (parsed?.isValid()) return { number: parsed.number, valid: true };
  if (digits.length < 8 && !international.startsWith('+')) return null;
  return { number: raw.replace(/\s+/g, ' '), valid: false };
}

// Country-code top-level domains that are mostly used as brands, not as a country.
const VANITY_TLDS = new Set(['io', 'co', 'me', 'ai', 'tv', 'ly', 'fm', 'gg', 'sh', 'so', 'to', 'is', 'cc', 'ws', 'la', 'im', 'dm', 'app', 'dev']);

/** Country names (in English and in their own languages) and a few unmistakable cities. */
const PLACE_NAMES: Array<[CountryCode, string]> = [
  ['IN', 'india|bengaluru|bangalore|mumbai|new delhi|delhi|hyderabad|chennai|pune|kolkata|noida|gurgaon|gurugram'],
  ['DE', 'germany|deutschland|berlin|münchen|munich|hamburg|köln|frankfurt|stuttgart'],
  ['FR', 'france|paris|lyon|marseille|toulouse'],
  ['ES', 'españa|spain|madrid|barcelona|valencia|sevilla'],
  ['BR', 'brasil|brazil|são paulo|rio de janeiro|belo horizonte|ceará|fortaleza|curitiba|recife|porto alegre'],
  ['PT', 'portugal|lisboa|lisbon|porto'],
  ['IT', 'italia|italy|roma|rome|milano|milan|torino|napoli'],
  ['MX', 'méxico|mexico city|cdmx|guadalajara|monterrey|jalisco'],
  ['AR', 'argentina|buenos aires|córdoba'],
  ['CO', 'colombia|bogotá|medellín'],
  ['CL', 'chile|santiago de chile'],
  ['PE', 'perú|peru|lima'],
  ['GB', 'united kingdom|england|scotland|wales|london|manchester|birmingham|edinburgh|glasgow'],
  ['IE', 'ireland|dublin|cork'],
  ['CA', 'canada|toronto|vancouver|montréal|montreal|ottawa|calgary|ontario|québec'],
  ['AU', 'australia|sydney|melbourne|brisbane|perth|adelaide'],
  ['NZ', 'new zealand|auckland|wellington'],
  ['NL', 'nederland|netherlands|amsterdam|rotterdam|utrecht|eindhoven'],
  ['BE', 'belgium|belgique|belgië|brussels|bruxelles|antwerp'],
  ['CH', 'schweiz|switzerland|suisse|zürich|zurich|genève|geneva|basel|bern'],
  ['AT', 'österreich|austria|wien|vienna|graz'],
  ['PL', 'polska|poland|warszawa|warsaw|kraków|krakow|wrocław'],
  ['CZ', 'česká republika|czech republic|czechia|praha|prague|brno'],
  ['SE', 'sverige|sweden|stockholm|göteborg'],
  ['NO', 'norge|norway|oslo|bergen'],
  ['DK', 'danmark|denmark|copenhagen|københavn|aarhus'],
  ['FI', 'suomi|finland|helsinki'],
  ['TR', 'türkiye|turkey|istanbul|ankara'],
  ['IL', 'israel|tel aviv|jerusalem|haifa|ישראל'],
  ['EG', 'egypt|cairo|مصر'],
  ['NG', 'nigeria|lagos|abuja'],
  ['KE', 'kenya|nairobi'],
  ['ZA', 'south africa|johannesburg|cape town|pretoria'],
  ['PK', 'pakistan|karachi|lahore|islamabad'],
  ['BD', 'bangladesh|dhaka'],
  ['SG', 'singapore'],
  ['MY', 'malaysia|kuala lumpur'],
  ['ID', 'indonesia|jakarta'],
  ['PH', 'philippines|manila'],
  ['VN', 'vietnam|việt nam|hanoi|hà nội|ho chi minh'],
  ['JP', 'japan|tokyo|osaka|日本|東京|大阪'],
  ['CN', 'china|beijing|shanghai|shenzhen|中国|北京|上海|深圳'],
  ['KR', 'korea|seoul|한국|서울'],
  ['AE', 'united arab emirates|uae|dubai|abu dhabi'],
  ['SA', 'saudi arabia|riyadh|jeddah'],
  ['RU', 'russia|moscow|россия|москва'],
  ['UA', 'ukraine|kyiv|kiev|україна|київ'],
  ['US', 'usa|united states'],
];
const PLACES: Array<[RegExp, CountryCode]> = [
  ...PLACE_NAMES.map(([region, names]): [RegExp, CountryCode] => [placePattern(names), region]),
  // "San Francisco, CA", "Austin, TX 78701": a US state after a comma.
  [
    /,\s*(?:AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC)\b(?:\s+\d{5})?/u,
    'US',
  ],
];

/** Letters around a Latin or Cyrillic name make it part of another word; Chinese, Japanese, Arabic and Hebrew run without spaces. */
function placePattern(names: string): RegExp {
  const all = names.split('|');
  const spaced = all.filter((name) => /^[\p{Script=Latin}\p{Script=Cyrillic}\s.]+$/u.test(name));
  const unspaced = all.filter((name) => !spaced.includes(name));
  return new RegExp([`(?<!\\p{L})(?:${spaced.join('|')})(?!\\p{L})`, ...unspaced].join('|'), 'iu');
}

/**
 * The region to read a national number in ("030 901820"): a place named near the top (the
 * address line), else a country-code domain of the email or a link, else a place named anywhere, else the
 * country of the script the resume is written in, else the deployment's default.
 */
export function regionHint(text: string, hosts: Array<string | undefined>, fallback: CountryCode | undefined): CountryCode {
  const top = text.split('\n').slice(0, 15).join('\n');
  for (const [pattern, region] of PLACES) if (pattern.test(top)) return region;
  for (const host of hosts) {
    const tld = host?.split('.').pop()?.toLowerCase();
    if (!tld || tld.length !== 2 || VANITY_TLDS.has(tld)) continue;
    const region = (tld === 'uk' ? 'GB' : tld.toUpperCase()) as CountryCode;
    if (isSupportedCountry(region)) return region;
  }
  for (const [pattern, region] of PLACES) if (pattern.test(text)) return region;
  return scriptRegion(text) ?? fallback ?? 'US';
}

/**
 * A resume written in a script that one country mostly uses: kana is Japanese, hangul Korean, Chinese
 * characters without either Chinese ("18667015681" is a mobile number in China, a toll-free one in the US).
 */
function scriptRegion(text: string): CountryCode | undefined {
  const count = (pattern: RegExp) => text.match(pattern)?.length ?? 0;
  const han = count(/\p{Script=Han}/gu);
  const kana = count(/[\p{Script=Hiragana}\p{Script=Katakana}]/gu);
  const hangul = count(/\p{Script=Hangul}/gu);
  const latin = count(/\p{Script=Latin}/gu);
  if (hangul > 20 && hangul > latin / 4) return 'KR';
  if (kana > 20 && kana + han > latin / 4) return 'JP';
  if (han > 20 && han > latin / 4) return 'CN';
  return undefined;
}
