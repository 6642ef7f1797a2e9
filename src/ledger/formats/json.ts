import type { HistoryFormat } from './types.js';

/** JSON: the views as the library returns them (RunInfo, RunDiff, TrendPoint[]), with the tool. */
export const historyJson: HistoryFormat = {
  name: 'json',
  runs: (runs, tool) => JSON.stringify({ tool, runs }, null, 2) + '\n',
  diff: (diff, tool) => JSON.stringify({ tool, ...diff }, null, 2) + '\n',
  trend: (points, tool) => JSON.stringify({ tool, runs: points }, null, 2) + '\n',
};
