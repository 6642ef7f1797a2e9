import { jsonAt } from '../../report/json.js';
import type { HistoryFormat } from './types.js';

/** JSON: the views as the library returns them (RunInfo, RunDiff, TrendPoint[]), with the tool. */
export const historyJson: HistoryFormat = {
  name: 'json',
  runs: (runs, tool) => JSON.stringify({ tool, runs }, null, 2) + '\n',
  // The bytes of JSON.stringify({ tool, ...diff }, null, 2) with the documents an array, a document at a time.
  *diff(diff, tool) {
    yield `{\n  "tool": ${jsonAt(tool, '  ')},\n  "from": ${jsonAt(diff.from, '  ')},\n  "to": ${jsonAt(diff.to, '  ')},\n  "totals": ${jsonAt(diff.totals, '  ')},\n  "notChecked": ${diff.notChecked},\n  "documents": [`;
    let none = true;
    for (const d of diff.documents) {
      yield `${none ? '' : ','}\n    ${jsonAt(d, '    ')}`;
      none = false;
    }
    yield `${none ? ']' : '\n  ]'},\n  "bySite": ${jsonAt(diff.bySite, '  ')},\n  "byOutlet": ${jsonAt(diff.byOutlet, '  ')}\n}\n`;
  },
  trend: (points, tool) => JSON.stringify({ tool, runs: points }, null, 2) + '\n',
};
