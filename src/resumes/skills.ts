import vocabulary from './skills.json' with { type: 'json' };

/**
 * Skills are matched against a vocabulary kept as data (skills.json: canonical name → synonyms),
 * e.g. "JS" → JavaScript, "k8s" → Kubernetes. Matching respects word boundaries and symbols
 * (C++, C#, .NET, Node.js). Ambiguous short words ("Go", "R", "C") are only their canonical form
 * when written so in a skills list, never as ordinary words in prose.
 */
const entries = Object.entries(vocabulary as Record<string, string[]>);
const BOUNDARY = String.raw`(?<![\p{L}\p{N}+#.])`;
const END = String.raw`(?![\p{L}\p{N}+#]|\.[\p{L}\p{N}])`;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const PATTERNS: Array<[string, RegExp]> = entries.map(([canonical, synonyms]) => {
  const forms = [...new Set(synonyms.map((s) => s.toLowerCase()))];
  return [canonical, new RegExp(`${BOUNDARY}(?:${forms.map(escape).join('|')})${END}`, 'iu')];
});

/** Canonical names that must be matched case-sensitively and only inside a list of skills. */
const LIST_ONLY: Record<string, RegExp> = {
  Go: /(^|[,;:•|/(]\s*)Go(?=\s*($|[,;•|/)]))/mu,
  R: /(^|[,;:•|/(]\s*)R(?=\s*($|[,;•|/)]))/mu,
  C: /(^|[,;:•|/(]\s*)C(?=\s*($|[,;•|/)]))/mu,
};

export function matchSkills(text: string): string[] {
  const found = new Set<string>();
  for (const [canonical, pattern] of PATTERNS) if (pattern.test(text)) found.add(canonical);
  for (const [canonical, pattern] of Object.entries(LIST_ONLY)) if (pattern.test(text)) found.add(canonical);
  return [...found].sort((a, b) => a.localeCompare(b));
}

/** The canonical name of a skill as a recruiter typed it ("k8s" → "Kubernetes"), or the input trimmed. */
export function canonicalSkill(name: string): string {
  const lowered = name.trim().toLowerCase();
  for (const [canonical, synonyms] of entries) {
    if (canonical.toLowerCase() === lowered || synonyms.some((s) => s.toLowerCase() === lowered)) return canonical;
  }
  return name.trim();
}
