/**
 * A small BM25: how relevant a resume is to a job description. The description's terms are the
 * query and the resume is the document. Term weights (IDF) come from the job's candidates when
 * the caller has them; without them every term weighs the same, which leaves BM25's saturating
 * term frequency and length normalization. Deterministic either way.
 */
const STOP_WORDS = new Set(
  (
    'a about above after again all also am an and any are as at be because been before being below between both but by can could did do does doing down during each etc few for from further had has have having he her here hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or other our ours out over own same she should so some such than that the their theirs them then there these they this those through to too under until up very was we were what when where which while who whom why will with would you your yours ' +
    // Words every job ad and resume uses: they say nothing about fit.
    'ability able candidate company experience including join looking must plus position preferred required responsibilities responsible role skills strong team using work working year years'
  ).split(' '),
);

export function tokenize(text: string): string[] {
  const words =
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}][\p{L}\p{N}+#.]*/gu) ?? [];
  return words.map((word) => stem(word.replace(/\.+$/, ''))).filter((word) => word.length > 1 && !STOP_WORDS.has(word));
}

/** Just enough stemming that "services" finds "service" and "libraries" finds "library". */
function stem(word: string): string {
  if (!/^\p{L}+$/u.test(word)) return word;
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

export interface CorpusStats {
  documents: number;
  averageLength: number;
  documentFrequency: ReadonlyMap<string, number>;
}

/** Statistics of a set of resumes (a job's candidates), for the term weights. */
export function corpusStats(texts: Iterable<string>): CorpusStats {
  const documentFrequency = new Map<string, number>();
  let documents = 0;
  let tokens = 0;
  for (const text of texts) {
    const terms = tokenize(text);
    documents += 1;
    tokens += terms.length;
    for (const term of new Set(terms)) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  return { documents, averageLength: documents ? tokens / documents : DEFAULT_LENGTH, documentFrequency };
}

const K1 = 1.2;
const B = 0.75;
/** A typical resume's length in tokens, when there is no corpus to measure it. */
const DEFAULT_LENGTH = 350;
/** The reference document: every query term twice in a resume of average length scores 1. */
const REFERENCE_TF = 2;

export interface Relevance {
  /** 0–1: the BM25 score over the reference document's score, capped at 1. */
  score: number;
  terms: number;
  matchedTerms: string[];
}

export function bm25(query: string, document: string, corpus?: CorpusStats): Relevance {
  const terms = [...new Set(tokenize(query))];
  if (terms.length === 0) return { score: 0, terms: 0, matchedTerms: [] };
  const tokens = tokenize(document);
  const frequency = new Map<string, number>();
  for (const token of tokens) frequency.set(token, (frequency.get(token) ?? 0) + 1);
  const averageLength = corpus?.averageLength || DEFAULT_LENGTH;
  const saturation = (tf: number, length: number) => (tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / averageLength));
  // BM25's IDF, kept positive (Lucene's variant) so that a term in every resume still counts a little.
  const idf = (term: string) =>
    corpus ? Math.log(1 + (corpus.documents - (corpus.documentFrequency.get(term) ?? 0) + 0.5) / ((corpus.documentFrequency.get(term) ?? 0) + 0.5)) : 1;
  let score = 0;
  let reference = 0;
  const matchedTerms: string[] = [];
  for (const term of terms) {
    const weight = idf(term);
    reference += weight * saturation(REFERENCE_TF, averageLength);
    const tf = frequency.get(term) ?? 0;
    if (tf === 0) continue;
    matchedTerms.push(term);
    score += weight * saturation(tf, tokens.length);
  }
  return { score: Math.min(1, score / reference), terms: terms.length, matchedTerms };
}
