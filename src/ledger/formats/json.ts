import type { HistoryFormat } from './types.js';

/** `value` as `JSON.stringify(value, null, 2)` writes it `depth` levels down (a string never holds a raw newline). */
const at = (value: unknown, depth: number) => JSON.stringify(value, null, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);

/** JSON: the views as the library returns them (RunInfo, RunDiff, TrendPoint[]), with the tool. */
export const historyJson: HistoryFormat = {
  name: 'json',
  runs: (runs, tool) => JSON.stringify({ tool, runs }, null, 2) + '\n',
  // The bytes of JSON.stringify({ tool, ...diff }, null, 2) with the documents an array, a document at a time.
  *diff(diff, tool) {
    yield `{\n  "tool": ${at(tool, 1)},\n  "from": ${at(diff.from, 1)},\n  "to": ${at(diff.to, 1)},\n  "totals": ${at(diff.totals, 1)},\n  "notChecked": ${diff.notChecked},\n  "documents": [`;
    let none = true;
    for (const d of diff.documents) {
      yield `${none ? '' : ','}\n    ${at(d, 2)}`;
      none = false;
    }
    yield `${none ? ']' : '\n  ]'},\n  "bySite": ${at(diff.bySite, 1)},\n  "byOutlet": ${at(diff.byOutlet, 1)}\n}\n`;
  },
  trend: (points, tool) => JSON.stringify({ tool, runs: points }, null, 2) + '\n',
};
