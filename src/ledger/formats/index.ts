import { historyCsv } from './csv.js';
import { historyHtml } from './html.js';
import { historyJson } from './json.js';
import { historyStylish } from './stylish.js';
import type { HistoryFormat } from './types.js';

/** The formats of `manba history`. */
export const historyFormats: readonly HistoryFormat[] = [historyStylish, historyJson, historyCsv, historyHtml];

export type { HistoryFormat } from './types.js';
