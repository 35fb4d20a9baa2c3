import { readFileSync } from 'node:fs';
import { parseSpecText } from './actions/lib/spec.ts';
const s = parseSpecText(readFileSync('/work/wt/reg-data/data/wine_score/dataset.yml','utf8'), 'x', 'wine_score');
console.log(JSON.stringify(s.label), s.model);
