// A horizontal bar of memory by component with a dashed line for each device's capacity: does it fit, and by how much.

import { s, h, fill } from '../dom.js';
import { frame, ticks } from './frame.js';
import { GIB, gib } from '../format.js';
import { num } from '../explain.js';

/**
 * segments: [{key, label, bytes, explanation}]; capacities: [{label, bytes, explanation}]; bytes are drawn in GiB.
 * The legend lists each segment with its value (clickable for its explanation).
 */
export function stackedBar(container, legend, { segments, capacities, label }) {
  const total = segments.reduce((sum, x) => sum + x.bytes, 0);
  const maxGib = Math.max(total, ...capacities.map((c) => c.bytes), 1) / GIB * 1.04;
  const capRows = capacities.length;
  const top = 8 + capRows * 18;
  const barHeight = 34;
  const { svg, width } = frame(container, top + barHeight + 34, label);
  const left = 8, right = width - 12;
  const x = (g) => left + (right - left) * (g / maxGib);

  for (const t of ticks(maxGib, width < 500 ? 4 : 7)) {
    if (t > maxGib) break;
    svg.append(s('line', { x1: x(t), x2: x(t), y1: top - 4, y2: top + barHeight + 4, class: 'grid' }),
      s('text', { x: x(t), y: top + barHeight + 20, class: 'tick', 'text-anchor': 'middle', text: `${t}` }));
  }
  svg.append(s('text', { x: right, y: top + barHeight + 32, class: 'axis-label', 'text-anchor': 'end', text: 'GiB' }));

  let at = 0;
  for (const seg of segments) {
    const g = seg.bytes / GIB;
    if (g <= 0) continue;
    svg.append(s('rect', { x: x(at), y: top, width: Math.max(1, x(at + g) - x(at)), height: barHeight, class: `seg seg-${seg.key}` },
      s('title', { text: `${seg.label}: ${gib(seg.bytes)}` })));
    at += g;
  }

  capacities.forEach((cap, i) => {
    const cx = x(cap.bytes / GIB);
    const over = total > cap.bytes;
    const y = 14 + i * 18;
    const anchor = cx > width * 0.6 ? 'end' : 'start';
    svg.append(
      s('line', { x1: cx, x2: cx, y1: y + 4, y2: top + barHeight + 6, class: `capacity ${over ? 'over' : 'ok'}` }),
      s('text', { x: anchor === 'end' ? cx - 4 : cx + 4, y, 'text-anchor': anchor, class: `cap-label ${over ? 'over' : 'ok'}`, text: `${cap.label} ${gib(cap.bytes)}` }));
  });

  fill(legend, segments.map((seg) => h('li', {}, h('span', { class: `swatch seg-${seg.key}`, 'aria-hidden': 'true' }), `${seg.label} `,
    num(gib(seg.bytes), seg.explanation))));
}
