import type { BuiltinReason } from './types.ts';

export { checkExecutable, EXECUTABLE_HEAD_BYTES } from './executables.ts';
export { checkImage, checkImageStructure, DEFAULT_IMAGE_LIMITS, imageSize, type ImageLimits, type ImageSize } from './images.ts';
export { checkDocx, checkDocxStructure, isRemoteTarget } from './ooxml.ts';
export { checkPdf, checkPdfStructure, DEFAULT_PDF_LIMITS, type PdfLimits } from './pdf.ts';
export { containsPdf, containsZip } from './polyglot.ts';
export type { BuiltinReason, Finding } from './types.ts';
export {
  DEFAULT_ZIP_LIMITS,
  entryNames,
  entryProblem,
  inspectZip,
  isUnsafeEntryName,
  iterateEntries,
  openZip,
  readZipEntries,
  readZipEntry,
  type ZipEntryInfo,
  type ZipInspection,
  type ZipLimits,
  type ZipProblem,
} from './zip.ts';

/** The built-in checks, by name; which run for a file depends on its category (see DEFAULT_CATEGORY_CHECKS) and its detected type. */
export type BuiltinCheck = 'executable' | 'structure' | 'pdf' | 'ooxml' | 'zip' | 'image';

export const BUILTIN_CHECKS: Record<BuiltinCheck, { types: string; description: string; reasons: readonly BuiltinReason[] }> = {
  executable: {
    types: 'any',
    description: 'executables where a document is expected (MZ/PE, ELF, Mach-O), and scripts with a shebang line in text files',
    reasons: ['executable'],
  },
  structure: {
    types: 'PDF, DOCX, PNG, JPEG',
    description:
      'the detected type really parses: a PDF has a %PDF- header and an %%EOF trailer, a DOCX is a ZIP with [Content_Types].xml and word/document.xml, a PNG or JPEG header gives its dimensions',
    reasons: ['malformed_pdf', 'malformed_docx', 'malformed_image'],
  },
  pdf: {
    types: 'PDF',
    description:
      'JavaScript, Launch actions, actions that run on their own and reach outside (OpenAction or /AA running URI, GoToR, SubmitForm…), form submissions, embedded files, XFA forms, encryption; names are normalized (#xx) and object streams are inflated (with a cap) before searching; a PDF that is also a ZIP is a polyglot',
    reasons: ['pdf_javascript', 'pdf_launch_action', 'pdf_external_action', 'pdf_embedded_file', 'pdf_xfa', 'pdf_encrypted', 'pdf_uninspectable', 'polyglot'],
  },
  ooxml: {
    types: 'DOCX',
    description:
      'macros (vbaProject.bin, vbaData.xml, macro-enabled content types), embedded OLE objects and ActiveX controls, relationships that load a remote template, frame, sub-document or object (http, https, ftp, UNC; external hyperlinks and local file:/// templates are fine)',
    reasons: ['ooxml_macros', 'ooxml_external_template', 'ooxml_ole_object'],
  },
  zip: {
    types: 'DOCX (and the bulk intake archives)',
    description:
      'ZIP bombs (ratio over 100:1 per entry or overall, over 200 MB uncompressed), over 1000 entries, archives nested more than one level, encrypted entries, entry names that climb out (.., absolute, backslashes, drive letters)',
    reasons: ['zip_bomb', 'zip_too_many_entries', 'zip_nested', 'zip_encrypted', 'zip_path_traversal', 'zip_symlink'],
  },
  image: {
    types: 'PNG, JPEG',
    description: 'decompression bombs (over 50 megapixels or 20000 pixels a side declared) and polyglots (an image that is also a ZIP or a PDF)',
    reasons: ['image_too_large', 'polyglot'],
  },
};

/** Which checks run for which category; a category not listed gets every check. */
export const DEFAULT_CATEGORY_CHECKS: Readonly<Record<string, readonly BuiltinCheck[]>> = {
  resume: ['executable', 'structure', 'pdf', 'ooxml', 'zip'],
  cover_letter: ['executable', 'structure', 'pdf', 'ooxml', 'zip'],
  logo: ['executable', 'structure', 'image'],
  csv_import: ['executable'],
};

export const ALL_BUILTIN_CHECKS: readonly BuiltinCheck[] = Object.keys(BUILTIN_CHECKS) as BuiltinCheck[];

/** For /readyz, `vitae doctor` and the README: one line per check, and the checks of each category. */
export function builtinChecksSummary(table: Readonly<Record<string, readonly BuiltinCheck[]>> = DEFAULT_CATEGORY_CHECKS): {
  checks: Array<{ name: BuiltinCheck; types: string; description: string; reasons: readonly BuiltinReason[] }>;
  categories: Record<string, readonly BuiltinCheck[]>;
} {
  return {
    checks: ALL_BUILTIN_CHECKS.map((name) => ({ name, ...BUILTIN_CHECKS[name] })),
    categories: { ...table },
  };
}
