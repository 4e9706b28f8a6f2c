// The three views as ARIA tabs: click or arrow keys switch, the choice is part of the address.

import { byId } from './dom.js';
import { state, update, subscribe } from './state.js';

function show() {
  for (const tab of document.querySelectorAll('[role=tab]')) {
    const selected = tab.dataset.tab === state.tab;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    byId(tab.getAttribute('aria-controls')).hidden = !selected;
  }
}

export function setupTabs() {
  const tabs = [...document.querySelectorAll('[role=tab]')];
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => update({ tab: tab.dataset.tab }));
    tab.addEventListener('keydown', (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = tabs[(i + step + tabs.length) % tabs.length];
      update({ tab: next.dataset.tab });
      next.focus();
    });
  });
  subscribe((changed) => changed.includes('tab') && show());
  show();
}
