/** A problem in a rule, config or registry file, located at the offending key or value. */
export interface FileProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  hint?: string;
}

export function formatProblem(p: FileProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`;
}

/** Thrown when rule or config files cannot be used; carries every problem found, not only the first. */
export class ConfigError extends Error {
  constructor(readonly problems: FileProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** The closest of `candidates` to `word`, if it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
