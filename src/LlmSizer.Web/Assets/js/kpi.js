// Headline figures: a label, a big clickable number and a line under it.

import { h } from './dom.js';
import { num } from './explain.js';

/** A headline figure; `key` names it for scripts and tests (data-kpi). */
export const kpi = (key, label, value, explanation, sub = '', tone = '') =>
  h('div', { class: `kpi ${tone}`.trim(), 'data-kpi': key },
    h('span', { class: 'kpi-label' }, label),
    num(value, explanation, 'kpi-value'),
    sub ? h('span', { class: 'kpi-sub' }, sub) : null);

/** A smaller figure in a list of facts (data-fact). */
export const fact = (key, label, value, explanation) =>
  h('div', { class: 'fact', 'data-fact': key }, h('dt', {}, label), h('dd', {}, num(value, explanation)));
