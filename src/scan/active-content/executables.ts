import type { Finding } from './types.ts';

const MAGIC: Array<[string, number[]]> = [
  ['a Windows executable (MZ/PE)', [0x4d, 0x5a]],
  ['an ELF executable', [0x7f, 0x45, 0x4c, 0x46]],
  ['a Mach-O executable', [0xfe, 0xed, 0xfa, 0xce]],
  ['a Mach-O executable', [0xfe, 0xed, 0xfa, 0xcf]],
  ['a Mach-O executable', [0xce, 0xfa, 0xed, 0xfe]],
  ['a Mach-O executable', [0xcf, 0xfa, 0xed, 0xfe]],
  ['a Mach-O universal binary or Java class', [0xca, 0xfe, 0xba, 0xbe]],
  ['a Mach-O universal binary', [0xbe, 0xba, 0xfe, 0xca]],
];

/** How many bytes the executable check needs from the start of a file. */
export const EXECUTABLE_HEAD_BYTES = 16;

/**
 * Executables where a document is expected: MZ/PE, ELF, Mach-O (both byte orders, fat
 * binaries), and — in text (TXT, CSV) — a script with a shebang line (`#!`, after an optional
 * UTF-8 byte-order mark).
 */
export function checkExecutable(head: Buffer, contentType: string): Finding {
  for (const [what, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((byte, index) => head[index] === byte)) return { reason: 'executable', detail: `the file is ${what}` };
  }
  if (contentType === 'text/plain' || contentType === 'text/csv') {
    const text = head.subarray(0, 5).toString('latin1');
    if (text.startsWith('#!') || text.startsWith('\xef\xbb\xbf#!')) return { reason: 'executable', detail: 'the text is a script with a shebang line' };
  }
  return null;
}
