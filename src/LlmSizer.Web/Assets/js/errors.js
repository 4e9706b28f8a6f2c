// One banner for what went wrong: the server's problem detail names the parameter and what it expected.

import { byId, fill, h } from './dom.js';

const sources = new Map();

function render() {
  const banner = byId('error');
  const messages = [...new Set(sources.values())];
  banner.hidden = messages.length === 0;
  fill(banner, messages.map((m) => h('p', {}, m)));
}

/** Shows `error` (an ApiError or any Error) under `source`; a later success from the same source clears it. */
export function showError(source, error) {
  sources.set(source, error?.message || String(error));
  render();
}

export function clearError(source) {
  if (sources.delete(source)) render();
}
