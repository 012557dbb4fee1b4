import type { Finding } from './types.ts';
import { inspectZip, readZipEntry, type ZipLimits } from './zip.ts';

const RISKY_RELATIONSHIPS = /\/(attachedTemplate|oleObject|frame|subDocument)$/;

/**
 * A DOCX must be a ZIP with `[Content_Types].xml` and `word/document.xml`, within the ZIP limits,
 * without macros (`vbaProject.bin`, macro-enabled content types), embedded OLE objects, or
 * external relationships to remote templates, frames or objects. External hyperlinks are fine,
 * and so is Word's usual `attachedTemplate` pointing at a local `file:///…Normal.dotm`: only
 * remote targets (http, https, ftp, UNC paths) are refused.
 */
export async function checkDocx(bytes: Buffer, limits: ZipLimits): Promise<Finding> {
  const zip = await inspectZip(bytes, limits);
  if (zip.problem === 'zip_invalid') return { reason: 'malformed_docx', detail: zip.detail ?? 'not a valid ZIP' };
  if (zip.problem) return { reason: zip.problem, detail: zip.detail ?? zip.problem };
  const names = zip.entries.map((entry) => entry.name);
  if (!names.includes('[Content_Types].xml') || !names.includes('word/document.xml')) return { reason: 'malformed_docx', detail: 'no [Content_Types].xml or word/document.xml' };
  if (names.some((name) => /(^|\/)vba(Project\.bin|Data\.xml)$/i.test(name))) return { reason: 'ooxml_macros', detail: 'the document contains a VBA project' };
  const contentTypes = (await readZipEntry(bytes, '[Content_Types].xml'))?.toString('utf8') ?? '';
  if (/macroEnabled/i.test(contentTypes)) return { reason: 'ooxml_macros', detail: 'macro-enabled content type' };
  if (names.some((name) => /^word\/embeddings\/.*\.bin$/i.test(name) || /oleObject/i.test(name))) return { reason: 'ooxml_ole_object', detail: 'the document embeds OLE objects' };
  for (const name of names.filter((n) => n.endsWith('.rels'))) {
    const rels = (await readZipEntry(bytes, name))?.toString('utf8') ?? '';
    for (const relationship of rels.match(/<Relationship\b[^>]*>/g) ?? []) {
      if (!/TargetMode\s*=\s*"External"/i.test(relationship)) continue;
      const type = /Type\s*=\s*"([^"]*)"/.exec(relationship)?.[1] ?? '';
      const target = /Target\s*=\s*"([^"]*)"/.exec(relationship)?.[1] ?? '';
      if (RISKY_RELATIONSHIPS.test(type) && isRemote(target)) return { reason: 'ooxml_external_template', detail: `external ${type.split('/').pop()} relationship to a remote target` };
    }
  }
  return null;
}

function isRemote(target: string): boolean {
  const decoded = target.replace(/&amp;/g, '&').trim();
  return /^(https?|ftp|smb|webdav):/i.test(decoded) || decoded.startsWith('\\\\') || decoded.startsWith('//') || /^file:\/\/[^/]/i.test(decoded) || /^file:\/\/\/\\\\/i.test(decoded);
}
