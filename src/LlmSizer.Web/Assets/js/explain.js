// Clickable numbers: each is a button that opens a dialog with its formula, inputs and source.

import { h, byId, fill } from './dom.js';

const explanations = new WeakMap();

/**
 * A number that explains itself: `text` is what is shown; `explanation` is {title, value, formula, inputs: [{name, value}],
 * source, notes: []}.
 */
export function num(text, explanation, extraClass = '') {
  const button = h('button', { type: 'button', class: `num ${extraClass}`.trim(), title: 'How this is computed' }, text);
  explanations.set(button, explanation);
  return button;
}

const URL_PATTERN = /(https?:\/\/[^\s;,)]+)/g;

/** Text with its web addresses as links. */
function linked(text) {
  return String(text ?? '').split(URL_PATTERN).map((part, i) =>
    i % 2 === 1 ? h('a', { href: part, target: '_blank', rel: 'noreferrer noopener' }, part) : part);
}

function open(e) {
  const dialog = byId('explain');
  fill(byId('explain-title'), e.title);
  fill(byId('explain-value'), e.value ?? '');
  fill(byId('explain-formula'), e.formula || '—');
  const inputs = e.inputs ?? [];
  byId('explain-inputs-wrap').hidden = inputs.length === 0;
  fill(byId('explain-inputs'), h('tbody', {}, inputs.map((i) => h('tr', {}, h('th', { scope: 'row' }, i.name), h('td', {}, i.value)))));
  fill(byId('explain-source'), ...linked(e.source || '—'));
  fill(byId('explain-notes'), (e.notes ?? []).map((n) => h('li', {}, ...linked(n))));
  dialog.showModal();
}

export function setupExplain() {
  document.addEventListener('click', (event) => {
    const button = event.target.closest?.('button.num');
    if (button && explanations.has(button)) open(explanations.get(button));
  });
  const dialog = byId('explain');
  byId('explain-close').addEventListener('click', () => dialog.close());
  // A click on the backdrop (outside the dialog's box) closes it too.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
}
