// Memory against context for several weight types (one line each), device capacities as dashed lines, the chosen context
// marked. Clicking a point picks that context.

import { s, h, fill } from '../dom.js';
import { frame, ticks } from './frame.js';
import { GIB, gib, tokensShort, int } from '../format.js';

/** curve: the MemoryCurve record {contextTokens[], series[{weights, totalBytes[]}], capacities[{device, usableBytes}]}. */
export function curveChart(container, legend, curve, { context, selected, onPick }) {
  const xs = curve.contextTokens;
  const seriesMax = Math.max(...curve.series.flatMap((x) => x.totalBytes));
  const shownCaps = curve.capacities.filter((c) => c.usableBytes <= seriesMax * 2.5);
  const maxGib = Math.max(seriesMax, ...shownCaps.map((c) => c.usableBytes)) / GIB * 1.06;
  const narrow = (container.clientWidth || 640) < 500;
  const { svg, width, height } = frame(container, narrow ? 240 : 300, `Memory in GiB against context in tokens for ${curve.series.map((x) => x.weights).join(', ')}`);
  const m = { l: 44, r: 14, t: 12, b: 36 };
  const lx = (c) => Math.log2(c);
  const x = (c) => m.l + (width - m.l - m.r) * (lx(c) - lx(xs[0])) / Math.max(1e-9, lx(xs.at(-1)) - lx(xs[0]));
  const y = (g) => height - m.b - (height - m.t - m.b) * (g / maxGib);

  for (const t of ticks(maxGib, 5)) {
    if (t > maxGib) break;
    svg.append(s('line', { x1: m.l, x2: width - m.r, y1: y(t), y2: y(t), class: 'grid' }),
      s('text', { x: m.l - 6, y: y(t) + 4, 'text-anchor': 'end', class: 'tick', text: `${t}` }));
  }
  const every = narrow && xs.length > 6 ? 2 : 1;
  xs.forEach((c, i) => {
    if (i % every === 0 || i === xs.length - 1)
      svg.append(s('text', { x: x(c), y: height - m.b + 16, 'text-anchor': 'middle', class: 'tick', text: tokensShort(c) }));
  });
  svg.append(s('text', { x: m.l - 6, y: m.t - 2, 'text-anchor': 'end', class: 'axis-label', text: 'GiB' }),
    s('text', { x: width - m.r, y: height - 4, 'text-anchor': 'end', class: 'axis-label', text: 'context (tokens, log scale)' }));

  for (const cap of shownCaps) {
    svg.append(s('line', { x1: m.l, x2: width - m.r, y1: y(cap.usableBytes / GIB), y2: y(cap.usableBytes / GIB), class: 'capacity ok' }),
      s('text', { x: width - m.r - 2, y: y(cap.usableBytes / GIB) - 4, 'text-anchor': 'end', class: 'cap-label', text: `${cap.device} ${gib(cap.usableBytes)}` }));
  }
  if (context >= xs[0] && context <= xs.at(-1)) {
    svg.append(s('line', { x1: x(context), x2: x(context), y1: m.t, y2: height - m.b, class: 'marker' }));
  }

  curve.series.forEach((series, i) => {
    const points = series.totalBytes.map((b, j) => `${x(xs[j]).toFixed(1)},${y(b / GIB).toFixed(1)}`).join(' ');
    const cls = `series series-${i}${series.weights === selected ? ' selected' : ''}`;
    svg.append(s('polyline', { points, class: cls }));
    series.totalBytes.forEach((b, j) => {
      const dot = s('circle', { cx: x(xs[j]), cy: y(b / GIB), r: 3.5, class: `dot series-${i}` },
        s('title', { text: `${series.weights} at ${int(xs[j])} tokens: ${gib(b)}` }));
      dot.addEventListener('click', () => onPick?.(xs[j]));
      svg.append(dot);
    });
  });

  fill(legend, curve.series.map((series, i) => h('li', { class: series.weights === selected ? 'selected' : null },
    h('span', { class: `swatch line series-${i}`, 'aria-hidden': 'true' }), series.weights)));
}
