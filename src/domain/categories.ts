/**
 * File categories, the types each accepts (decided by content, never by name) and their size
 * limits (API.md defaults, overridable per deployment).
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

const MB = 1024 * 1024;
const DEFAULT_RULES: CategoryRules = {
  resume: { allowedTypes: [MIME.pdf, MIME.docx, MIME.txt], maxSize: 10 * MB },
  cover_letter: { allowedTypes: [MIME.pdf, MIME.docx, MIME.txt], maxSize: 10 * MB },
  logo: { allowedTypes: [MIME.png, MIME.jpeg], maxSize: 2 * MB },
  csv_import: { allowedTypes: [MIME.csv], maxSize: 50 * MB },
};

export function categoryRules(maxSizeOverrides: Partial<Record<string, number>> = {}): CategoryRules {
  return Object.fromEntries(
    CATEGORIES.map((category) => [category, { ...DEFAULT_RULES[category], maxSize: maxSizeOverrides[category] ?? DEFAULT_RULES[category].maxSize }]),
  ) as CategoryRules;
}

export const isCategory = (value: string): value is Category => (CATEGORIES as readonly string[]).includes(value);

/** Names clients commonly send for the same types. */
const ALIASES: Record<string, string> = {
  'application/x-pdf': MIME.pdf,
  'application/csv': MIME.csv,
  'text/comma-separated-values': MIME.csv,
  'image/jpg': MIME.jpeg,
  'image/pjpeg': MIME.jpeg,
};

/** `Text/Plain; charset=UTF-8` → `text/plain`. */
export function normalizeMime(raw: string): string {
  const base = raw.split(';')[0]!.trim().toLowerCase();
  return ALIASES[base] ?? base;
}

export interface Problem {
  status: number;
  code: string;
  message: string;
}

export type DeclaredCheck = ({ ok: true; contentType: string } & Partial<Problem>) | ({ ok: false } & Problem);

/** Validates what a client declares before anything is stored or signed (400 / 413 / 415). */
export function validateDeclaredUpload(declared: { category: string; contentType: string; size: number }, rules: CategoryRules): DeclaredCheck {
  if (!isCategory(declared.category)) return { ok: false, status: 400, code: 'invalid_category', message: `Unknown category ${JSON.stringify(declared.category)}; expected one of ${CATEGORIES.join(', ')}.` };
  const rule = rules[declared.category];
  if (!Number.isSafeInteger(declared.size) || declared.size < 0) return { ok: false, status: 400, code: 'invalid_size', message: 'size must be a whole number of bytes.' };
  if (declared.size === 0) return { ok: false, status: 400, code: 'empty_file', message: 'The file is empty.' };
  const contentType = normalizeMime(declared.contentType);
  if (!rule.allowedTypes.includes(contentType)) return { ok: false, status: 415, code: 'unsupported_type', message: `A ${declared.category} must be one of: ${rule.allowedTypes.join(', ')}.` };
  if (declared.size > rule.maxSize) return { ok: false, status: 413, code: 'file_too_large', message: `A ${declared.category} may be at most ${rule.maxSize} bytes.` };
  return { ok: true, contentType };
}

/**
 * Decides on the type found in the bytes: not allowed for the category → 415; allowed but not
 * what was declared → 422 `content_mismatch`. Returns null when the content is acceptable.
 */
export function checkDetectedType(category: string, detected: string | null, declared: string | null, rules: CategoryRules = categoryRules()): Problem | null {
  const rule = isCategory(category) ? rules[category] : undefined;
  if (!rule) return { status: 400, code: 'invalid_category', message: `Unknown category ${JSON.stringify(category)}.` };
  if (declared !== null && detected !== normalizeMime(declared)) {
    return { status: 422, code: 'content_mismatch', message: `The content is ${detected ?? 'of an unknown type'}, not ${normalizeMime(declared)} as declared.` };
  }
  if (detected === null || !rule.allowedTypes.includes(detected)) {
    return { status: 415, code: 'unsupported_type', message: `The content is ${detected ?? 'of an unknown type'}; a ${category} must be one of: ${rule.allowedTypes.join(', ')}.` };
  }
  return null;
}
