// Next-token probabilities of the most likely tokens before and after one sampling stage, as paired horizontal bars.

import { s, h, fill } from '../dom.js';
import { frame } from './frame.js';
import { percent } from '../format.js';

/** before/after: stages {name, candidates[{token, id, probability}]}; the rows are before's most probable `count` tokens. */
export function distributionChart(container, legend, before, after, count = 12) {
  const rows = before.candidates.slice(0, count);
  const afterById = new Map(after.candidates.map((c) => [c.id, c.probability]));
  const max = Math.max(...rows.map((r) => Math.max(r.probability, afterById.get(r.id) ?? 0)), 1e-9);
  const rowHeight = 26;
  const { svg, width } = frame(container, rows.length * rowHeight + 8, `Probabilities before ${before.name} and after ${after.name}`);
  const labelWidth = Math.min(110, width * 0.26);
  const valueWidth = 64;
  const x0 = labelWidth + 8, x1 = width - valueWidth;
  const bar = (p) => Math.max(0, (x1 - x0) * (p / max));

  rows.forEach((row, i) => {
    const y = 4 + i * rowHeight;
    const p = afterById.get(row.id);
    svg.append(
      s('text', { x: labelWidth, y: y + 16, 'text-anchor': 'end', class: 'token', text: row.token }),
      s('rect', { x: x0, y: y + 3, width: bar(row.probability), height: 8, rx: 2, class: 'before' },
        s('title', { text: `${row.token} before: ${percent(row.probability)}` })),
      s('rect', { x: x0, y: y + 12, width: bar(p ?? 0), height: 10, rx: 2, class: 'after' },
        s('title', { text: `${row.token} after: ${p === undefined ? 'removed' : percent(p)}` })),
      s('text', { x: width - 4, y: y + 17, 'text-anchor': 'end', class: p === undefined ? 'value cut' : 'value', text: p === undefined ? 'cut' : percent(p) }));
  });

  fill(legend,
    h('li', {}, h('span', { class: 'swatch before', 'aria-hidden': 'true' }), `before ${before.name === 'input' ? '(input)' : before.name}`),
    h('li', {}, h('span', { class: 'swatch after', 'aria-hidden': 'true' }), `after ${after.name}`));
}
