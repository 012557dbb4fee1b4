/**
 * BM25 relevance of a resume to a job description: the description's terms are the query, the
 * resume the document. Without a corpus of resumes the IDF part is uniform, which leaves the
 * saturating term frequency and the length normalization: what matters for ranking one job's
 * candidates, and deterministic.
 */
const STOP_WORDS = new Set(
  'a an and are as at be but by for from has have in is it its of on or our that the their this to was we were will with you your who what which while about into over than then them they also such can may must should would work team role years year experience'.split(' '),
);

export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}+#.]*[\p{L}\p{N}+#]|[\p{L}\p{N}]/gu) ?? []).filter((token) => !STOP_WORDS.has(token) && token.length > 1);
}

const K1 = 1.2;
const B = 0.75;
/** A typical resume's length in tokens, for the length normalization. */
const AVERAGE_LENGTH = 400;

/** BM25 normalized to 0–1: the score over the best score the same query could reach. */
export function bm25Relevance(query: string, document: string): { score: number; matchedTerms: string[] } {
  const terms = [...new Set(tokenize(query))];
  if (terms.length === 0) return { score: 0, matchedTerms: [] };
  const tokens = tokenize(document);
  const frequency = new Map<string, number>();
  for (const token of tokens) frequency.set(token, (frequency.get(token) ?? 0) + 1);
  const norm = K1 * (1 - B + (B * tokens.length) / AVERAGE_LENGTH);
  let score = 0;
  const matchedTerms: string[] = [];
  for (const term of terms) {
    const tf = frequency.get(term) ?? 0;
    if (tf === 0) continue;
    matchedTerms.push(term);
    score += (tf * (K1 + 1)) / (tf + norm);
  }
  // The best case: every term present several times in a resume of average length.
  const best = terms.length * ((3 * (K1 + 1)) / (3 + K1));
  return { score: Math.min(1, score / best), matchedTerms };
}
