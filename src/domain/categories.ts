import type { Checked, DomainProblem } from './problems.ts';

/**
 * File categories, the types each accepts (decided by content, never by name) and their size
 * limits (the defaults of README's configuration table, overridable per deployment).
 */
export const MIME = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  txt: 'text/plain',
  png: 'image/png',
  jpeg: 'image/jpeg',
  csv: 'text/csv',
} as const;

export const CATEGORIES = ['resume', 'cover_letter', 'logo', 'csv_import'] as const;
export type Category = (typeof CATEGORIES)[number];

export interface CategoryRule {
  allowedTypes: readonly string[];
  maxSize: number;
}
export type CategoryRules = Record<Category, CategoryRule>;

/** Kept for existing callers: the same shape as every domain failure. */
export type Problem = DomainProblem;

const MB = 1024 * 1024;
const DEFAULT_RULES: CategoryRules = {
  resume: { allowedTypes: [MIME.pdf, MIME.docx, MIME.txt], maxSize: 10 * MB },
  cover_letter: { allowedTypes: [MIME.pdf, MIME.docx, MIME.txt], maxSize: 10 * MB },
  logo: { allowedTypes: [MIME.png, MIME.jpeg], maxSize: 2 * MB },
  csv_import: { allowedTypes: [MIME.csv], maxSize: 50 * MB },
};

/**
 * The rules with a deployment's maximum sizes (bytes) in place of the defaults. Called once at
 * start-up, so a nonsensical override fails loudly there rather than refusing every upload later.
 */
export function categoryRules(maxSizeOverrides: Partial<Record<Category, number>> = {}): CategoryRules {
  const rules = {} as CategoryRules;
  for (const category of CATEGORIES) {
    const maxSize = maxSizeOverrides[category] ?? DEFAULT_RULES[category].maxSize;
    if (!Number.isSafeInteger(maxSize) || maxSize <= 0)
      throw new RangeError(`The maximum size of ${category} must be a positive whole number of bytes, not ${maxSize}.`);
    rules[category] = { allowedTypes: DEFAULT_RULES[category].allowedTypes, maxSize };
  }
  return rules;
}

export const isCategory = (value: string): value is Category => (CATEGORIES as readonly string[]).includes(value);

/** What a job seeker keeps in Vitae: their resume and cover letters. Logos and imports are an organization's. */
export const CANDIDATE_CATEGORIES: readonly Category[] = ['resume', 'cover_letter'];

/**
 * Names clients commonly send for the same types. Browsers on Windows with Excel installed label
 * every `.csv` as `application/vnd.ms-excel`: accepting that declaration is safe because the bytes
 * decide anyway (a real XLS file then fails with 422 `content_mismatch`).
 */
const ALIASES: Record<string, string> = {
  'application/x-pdf': MIME.pdf,
  'application/acrobat': MIME.pdf,
  'text/pdf': MIME.pdf,
  'image/x-png': MIME.png,
  'image/jpg': MIME.jpeg,
  'image/pjpeg': MIME.jpeg,
  'application/csv': MIME.csv,
  'application/x-csv': MIME.csv,
  'text/x-csv': MIME.csv,
  'text/comma-separated-values': MIME.csv,
  'text/x-comma-separated-values': MIME.csv,
  'application/vnd.ms-excel': MIME.csv,
};

/** `Text/Plain; charset=UTF-8` → `text/plain`; known aliases → the canonical type. */
export function normalizeMime(raw: string): string {
  const base = raw.split(';')[0]!.trim().toLowerCase();
  return ALIASES[base] ?? base;
}

/** Validates what a client declares before anything is stored or signed (400 / 413 / 415). */
export function validateDeclaredUpload(
  declared: { category: string; contentType: string; size: number },
  rules: CategoryRules,
): Checked<{ contentType: string }> {
  if (!isCategory(declared.category))
    return {
      ok: false,
      status: 400,
      code: 'invalid_category',
      message: `Unknown category ${JSON.stringify(declared.category)}; expected one of ${CATEGORIES.join(', ')}.`,
    };
  const rule = rules[declared.category];
  if (!Number.isSafeInteger(declared.size) || declared.size < 0)
    return { ok: false, status: 400, code: 'invalid_size', message: 'size must be a whole number of bytes.' };
  if (declared.size === 0) return { ok: false, status: 400, code: 'empty_file', message: 'The file is empty.' };
  const contentType = normalizeMime(declared.contentType);
  if (!rule.allowedTypes.includes(contentType))
    return { ok: false, status: 415, code: 'unsupported_type', message: `A ${declared.category} must be one of: ${rule.allowedTypes.join(', ')}.` };
  if (declared.size > rule.maxSize)
    return { ok: false, status: 413, code: 'file_too_large', message: `A ${declared.category} may be at most ${rule.maxSize} bytes.` };
  return { ok: true, contentType };
}

/**
 * Decides on the type found in the bytes (`detected`: the magic-byte type, `text/plain` or
 * `text/csv` from the text check, or null when nothing was recognized). Returns null when the
 * content is acceptable, else the problem:
 * - a type was declared (pre-signed uploads) and the bytes are something else → 422
 *   `content_mismatch`: the client said one thing and sent another, whatever the category allows;
 * - nothing was declared (streamed uploads, where the bytes are the only witness) or it matched,
 *   but the type is not allowed for the category → 415 `unsupported_type`.
 */
export function checkDetectedType(
  category: string,
  detected: string | null,
  declared: string | null = null,
  rules: CategoryRules = DEFAULT_RULES,
): Problem | null {
  const rule = isCategory(category) ? rules[category] : undefined;
  if (!rule) return { status: 400, code: 'invalid_category', message: `Unknown category ${JSON.stringify(category)}.` };
  const found = detected === null ? null : normalizeMime(detected);
  if (declared !== null && found !== normalizeMime(declared)) {
    return { status: 422, code: 'content_mismatch', message: `The content is ${found ?? 'of an unknown type'}, not ${normalizeMime(declared)} as declared.` };
  }
  if (found === null || !rule.allowedTypes.includes(found)) {
    return {
      status: 415,
      code: 'unsupported_type',
      message: `The content is ${found ?? 'of an unknown type'}; a ${category} must be one of: ${rule.allowedTypes.join(', ')}.`,
    };
  }
  return null;
}
