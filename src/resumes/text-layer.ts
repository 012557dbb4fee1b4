/**
 * Whether a PDF's text layer says what its pages show. A font without a usable character map
 * gives text that is no writing: letters of another code page ("?iiTb,ff;Bi?m#X+QKf" for
 * "https://github.com/…"), private-use glyphs or replacement characters. Such a layer is judged by
 * its words, whatever the language: among the tokens that hold Latin letters, the share that are
 * shaped like words, numbers, dates, addresses or links; the share of characters that are
 * unmapped glyphs; and words that switch script inside them. Scripts other than Latin are not judged (their text maps or is missing).
 */

/** A token shaped like writing: a word (with inner hyphens, apostrophes, dots or slashes), a number or date, a code like "HTML5" or "x86-64", an address or a link. */
const WORD_SHAPED = [
  // Words and compounds: "Jean-Luc", "O'Neil", "B.Sc.", "node.js", "UI/UX", "R&D", "C++", "C#", "iOS", "JavaScript".
  // Codes: "x86-64", "ISO-9001", "Dipl.-Ing", "3D". Parts are letters (then digits) or digits (then a few letters).
  /^(?:[\p{L}\p{M}]+[+#]*\d*|\d+\p{L}{0,3})(?:['’.\-‐‑–—/&_:,()]{1,2}(?:[\p{L}\p{M}]+[+#]*\d*|\d+\p{L}{0,3}))*[.+]?$/u,
  // Numbers, dates, ranges, amounts, phones: "2019.07", "(508)-838-4126", "3.9/4.0", "+49".
  /^[+(]?\d[\d.,:/\-–()%+]*$/u,
  // Addresses and links.
  /@|:\/\/|^www\.|\.(?:com|org|net|edu|io|dev|me|de|fr|cn)(?:\/|$)/iu,
];
const EDGE_PUNCTUATION = /^[\s"'“”‘’«»()[\]{}<>•·*,.;:!?|–—-]+|[\s"'“”‘’«»()[\]{}<>•·*,.;:!?|–—-]+$/gu;
const LATIN = /\p{Script=Latin}/u;

/**
 * Which of a garbled layer's lines may be kept: lines in another script with no Latin word in them
 * (a garbled word can look like one: "kyRNXRkXR"), and without unmapped glyphs or words that switch script.
 */
export function readableLine(line: string): boolean {
  return (
    latinTokens(line).every((token) => (token.match(/\p{Script=Latin}/gu) ?? []).length < 2) &&
    !/[\ue000-\uf8ff\ufffd]/u.test(line) &&
    mixedScriptWords(line) === 0
  );
}

/**
 * True when the text layer is too garbled to read fields from: a sixth of its Latin tokens are no
 * writing (on real resumes, abbreviations, codes and references included, at least 19 in 20 are),
 * or a third of its characters are unmapped glyphs. `raw` is the text as extracted, `text` the
 * same normalized (accents joined to their letters, private-use glyphs removed).
 */
export function unreadableTextLayer(raw: string, text: string): boolean {
  const visible = raw.replace(/\s+/g, '');
  const unmapped = (visible.match(/[\ue000-\uf8ff\ufffd\u0000-\u0008\u000e-\u001f]/gu) ?? []).length;
  if (visible.length > 0 && unmapped / visible.length > 1 / 3) return true;
  if (mixedScriptWords(text) >= 5) return true;
  const tokens = latinTokens(text);
  return tokens.length >= 20 && tokens.filter(wordShaped).length / tokens.length < 5 / 6;
}

/**
 * Words whose letters switch between Latin and Cyrillic or Greek inside them ("SӚӑӟӢӌӝӐ" for a heading
 * set in small capitals): a font whose character map points its glyphs at another script. Writing
 * does not do that (on real resumes at most one such word, a symbol beside a letter); a garbled
 * font does it in every heading.
 */
function mixedScriptWords(text: string): number {
  return text.split(/\s+/).filter((word) => MIXED_SCRIPT.test(word)).length;
}
const MIXED_SCRIPT = /\p{Script=Latin}[\p{Script=Cyrillic}\p{Script=Greek}]|[\p{Script=Cyrillic}\p{Script=Greek}]\p{Script=Latin}/u;

/** Tokens are split at spaces and at any writing of another script ("熟悉Python及C#；" holds "Python" and "C#"). */
function latinTokens(text: string): string[] {
  return text
    .split(/[\s\u3000-\u303f\uff00-\uffef]+|[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]+/u)
    .map((token) => token.replace(EDGE_PUNCTUATION, ''))
    .filter((token) => LATIN.test(token));
}

const wordShaped = (token: string) => WORD_SHAPED.some((shape) => shape.test(token));
