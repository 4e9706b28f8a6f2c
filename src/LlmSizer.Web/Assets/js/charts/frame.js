// What every chart shares: an SVG sized to its container in CSS pixels (so text keeps its size) and nice axis steps.

import { s, fill } from '../dom.js';

/** An empty SVG as wide as `container`, `height` pixels tall, described by `label` for screen readers. */
export function frame(container, height, label) {
  const width = Math.max(280, Math.round(container.clientWidth || 640));
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': label, class: 'plot' });
  fill(container, svg);
  return { svg, width, height };
}

/** A step of 1, 2 or 5 × 10^k giving about `count` ticks up to `max`. */
export function niceStep(max, count = 5) {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const m = raw / magnitude;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * magnitude;
}

/** The ticks 0, step, 2·step … up to the first at or past `max`. */
export function ticks(max, count = 5) {
  const step = niceStep(max, count);
  const result = [];
  for (let t = 0; t < max + step * 0.999; t += step) result.push(Number(t.toPrecision(12)));
  return result;
}
