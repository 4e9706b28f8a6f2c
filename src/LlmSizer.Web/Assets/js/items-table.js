// The line items of an estimate or training report: each byte count opens its formula, inputs and source.

import { h, fill } from './dom.js';
import { num } from './explain.js';
import { gib, gb } from './format.js';

/** An explanation of one report line {name, bytes, formula, inputs, source}. */
export const lineExplanation = (item) => ({
  title: item.name,
  value: `${gib(item.bytes)} (${gb(item.bytes)}) · ${item.bytes.toLocaleString('en-US')} bytes`,
  formula: item.formula,
  inputs: item.inputs,
  source: item.source,
});

/** Fills `table` with `items`; `where(item)` says which device or location holds it. */
export function itemsTable(table, items, total, where) {
  fill(table,
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Item'), h('th', { scope: 'col', class: 'kind' }, 'Kind'), h('th', { scope: 'col' }, 'Where'),
      h('th', { scope: 'col', class: 'n' }, 'GiB'), h('th', { scope: 'col', class: 'n gb' }, 'GB'))),
    h('tbody', {}, items.map((item) => h('tr', {},
      h('th', { scope: 'row' }, item.name), h('td', { class: 'kind' }, item.category), h('td', {}, where(item) ?? ''),
      h('td', { class: 'n' }, num(gib(item.bytes), lineExplanation(item))), h('td', { class: 'n muted gb' }, gb(item.bytes))))),
    h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, 'total'), h('td', { class: 'kind' }), h('td'),
      h('td', { class: 'n', 'data-total': '' }, num(gib(total.bytes), total.explanation)), h('td', { class: 'n muted gb' }, gb(total.bytes)))));
}

/** The explanation of a total: the sum of its parts. */
export function totalExplanation(title, bytes, parts, source) {
  return {
    title,
    value: `${gib(bytes)} (${gb(bytes)}) · ${bytes.toLocaleString('en-US')} bytes`,
    formula: `${parts.map((p) => p.name).join(' + ')} = ${bytes.toLocaleString('en-US')} bytes`,
    inputs: parts.map((p) => ({ name: p.name, value: `${p.bytes.toLocaleString('en-US')} bytes (${gib(p.bytes)})` })),
    source,
  };
}
