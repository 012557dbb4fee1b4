import type { Finding } from './types.ts';
import { DEFAULT_ZIP_LIMITS, inspectZip, readZipEntries, type ZipInspection, type ZipLimits } from './zip.ts';

/** Relationship types that make Word fetch and load something when it opens the document. */
const LOADING_RELATIONSHIPS = /\/(attachedTemplate|frame|subDocument|aFChunk|oleObject|package|control)$/;

/** Structure only: a ZIP with `[Content_Types].xml` and `word/document.xml`. */
export async function checkDocxStructure(bytes: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<Finding> {
  const zip = await inspectZip(bytes, limits);
  return structureOf(zip);
}

function structureOf(zip: ZipInspection): Finding {
  if (zip.problem === 'zip_invalid') return { reason: 'malformed_docx', detail: `not a valid ZIP: ${zip.detail ?? ''}`.trim() };
  const names = new Set(zip.entries.map((entry) => entry.name));
  if (!zip.problem && (!names.has('[Content_Types].xml') || !names.has('word/document.xml')))
    return { reason: 'malformed_docx', detail: 'no [Content_Types].xml or word/document.xml' };
  return null;
}

/**
 * A DOCX: a ZIP within the ZIP limits, with `[Content_Types].xml` and `word/document.xml`,
 * without macros (`vbaProject.bin`, `vbaData.xml`, macro-enabled content types, macro-enabled
 * documents embedded), embedded OLE objects or ActiveX controls, or relationships that make
 * Word load something remote when it opens the file (a template, frame, sub-document, alternate
 * chunk or object on http(s), ftp, a UNC path `\\host\share`, WebDAV…).
 *
 * Ordinary external hyperlinks are fine (they open only when clicked), and so is the
 * `attachedTemplate` that Word itself writes into most documents, pointing at the author's
 * local `file:///C:\…\Normal.dotm`: only remote targets are refused. A `file:` URL with a host
 * (`file://host/share`, `file:////host`) is a UNC path, hence remote.
 */
export async function checkDocx(bytes: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<Finding> {
  const zip = await inspectZip(bytes, limits);
  const structure = structureOf(zip);
  if (structure) return structure;
  if (zip.problem) return { reason: zip.problem === 'zip_invalid' ? 'malformed_docx' : zip.problem, detail: zip.detail ?? zip.problem };
  const names = zip.entries.map((entry) => entry.name);

  const macro = names.find(
    (name) => /(^|\/)vba(Project\.bin|Data\.xml)$/i.test(name) || /(^|\/)embeddings\/.*\.(docm|dotm|xlsm|xltm|xlsb|pptm|potm|ppsm)$/i.test(name),
  );
  if (macro) return { reason: 'ooxml_macros', detail: `macro part ${macro}` };
  const ole = names.find((name) => /(^|\/)embeddings\/.*\.bin$/i.test(name) || /(^|\/)oleObject[^/]*$/i.test(name) || /^word\/activeX\//i.test(name));
  if (ole) return { reason: 'ooxml_ole_object', detail: `embedded object ${ole}` };

  const parts = await readZipEntries(bytes, (name) => name === '[Content_Types].xml' || name.endsWith('.rels'));
  const contentTypes = parts.get('[Content_Types].xml')?.toString('utf8') ?? '';
  if (/macroEnabled|vbaProject|vbaData/i.test(contentTypes)) return { reason: 'ooxml_macros', detail: 'macro-enabled content type' };
  if (/officedocument\.oleObject|ms-office\.activeX/i.test(contentTypes)) return { reason: 'ooxml_ole_object', detail: 'OLE object or ActiveX content type' };

  for (const [name, rels] of parts) {
    if (!name.endsWith('.rels')) continue;
    for (const relationship of rels.toString('utf8').match(/<(?:\w+:)?Relationship\b[^>]*>/g) ?? []) {
      const attribute = (key: string) =>
        decodeXml(
          new RegExp(`\\b${key}\\s*=\\s*("([^"]*)"|'([^']*)')`)
            .exec(relationship)
            ?.slice(2)
            .find((v) => v !== undefined) ?? '',
        );
      if (attribute('TargetMode').toLowerCase() !== 'external') continue;
      const type = attribute('Type');
      const target = attribute('Target');
      const kind = LOADING_RELATIONSHIPS.exec(type)?.[1];
      if (!kind || !isRemoteTarget(target)) continue;
      const detail = `${name}: external ${kind} relationship to ${JSON.stringify(target.slice(0, 200))}`;
      return { reason: kind === 'oleObject' || kind === 'control' ? 'ooxml_ole_object' : 'ooxml_external_template', detail };
    }
  }
  return null;
}

/**
 * Remote: any URL scheme other than `file:` (http, https, ftp, mhtml, ms-…), a UNC path
 * (`\\host\share`, `//host/share`), or a `file:` URL naming a host. Local: a `file:///` path to a
 * drive or an absolute path, or a relative path.
 */
export function isRemoteTarget(target: string): boolean {
  let value = target.trim();
  try {
    value = decodeURIComponent(value); // file:///%5C%5Chost is a UNC path too
  } catch {
    // not percent-encoded
  }
  if (/^[\\/]{2}/.test(value)) return true;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (!scheme || scheme.length === 1) return false; // relative, or a drive letter (C:\…)
  if (scheme !== 'file') return true;
  let rest = value.slice('file:'.length);
  if (/^\/\/localhost(?=[\\/])/i.test(rest)) rest = `//${rest.slice('//localhost'.length)}`;
  if (rest.startsWith('///')) return /^[\\/]/.test(rest.slice(3)); // file:///C:/… is local; file:////host, file:///\\host are not
  return rest.startsWith('//'); // file://host/share
}

function decodeXml(value: string): string {
  return value
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
