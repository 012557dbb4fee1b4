import type { Finding } from './types.ts';

const MAGIC: Array<[string, number[]]> = [
  ['Windows executable (MZ)', [0x4d, 0x5a]],
  ['ELF executable', [0x7f, 0x45, 0x4c, 0x46]],
  ['Mach-O executable', [0xfe, 0xed, 0xfa, 0xce]],
  ['Mach-O executable', [0xfe, 0xed, 0xfa, 0xcf]],
  ['Mach-O executable', [0xce, 0xfa, 0xed, 0xfe]],
  ['Mach-O executable', [0xcf, 0xfa, 0xed, 0xfe]],
  ['Mach-O universal binary', [0xca, 0xfe, 0xba, 0xbe]],
];

/** Executables where a document is expected, including a script with a shebang in a "resume.txt". */
export function checkExecutable(head: Buffer, contentType: string): Finding {
  for (const [what, magic] of MAGIC) {
    if (magic.every((byte, index) => head[index] === byte)) return { reason: 'executable', detail: what };
  }
  if ((contentType === 'text/plain' || contentType === 'text/csv') && head.subarray(0, 2).toString('latin1') === '#!') {
    return { reason: 'executable', detail: 'a script with a shebang line' };
  }
  return null;
}
