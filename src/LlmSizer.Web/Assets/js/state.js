// The page's state, kept in the address (history.replaceState) so a copied link reproduces the view, tab included.
// Only values that differ from the defaults are written; '' means "the engine's or the library's default".

const DEFAULTS = {
  tab: 'inference',
  model: 'llama-3.1-8b',
  // Inference
  engine: 'llama.cpp', weights: '', context: 8192, batch: 1, kvType: '', device: ['rtx-4090'], storage: 'nvme4', ram: '64GiB',
  // Training
  method: 'full', optimizer: 'adamw', precision: 'mixed', loraRank: 16, loraTargets: 'all-linear', seq: 2048, microBatch: 1,
  recompute: 'none', zero: 0, offload: 'none', tp: 1, pp: 1, tDevice: 'h100-sxm', gpus: '', tokens: '', price: '',
  // Sampling ('' = the engine's default)
  sEngine: 'llama.cpp', temperature: '', topK: '', topP: '', minP: '',
};

const TABS = ['inference', 'training', 'sampling'];

export const state = structuredClone(DEFAULTS);
const listeners = new Set();

function parse(key, text) {
  const def = DEFAULTS[key];
  if (typeof def === 'number') {
    const n = Number(text);
    return Number.isFinite(n) && text.trim() !== '' ? n : def;
  }
  return text;
}

/** Reads the state from the address; unknown names are ignored, a bad tab falls back to the first. */
export function load(search = location.search) {
  const q = new URLSearchParams(search);
  for (const key of Object.keys(DEFAULTS)) {
    if (Array.isArray(DEFAULTS[key])) {
      const all = q.getAll(key).filter((v) => v.trim() !== '');
      if (all.length > 0) state[key] = all;
    } else if (q.has(key)) {
      state[key] = parse(key, q.get(key));
    }
  }
  if (!TABS.includes(state.tab)) state.tab = DEFAULTS.tab;
}

function save() {
  const q = new URLSearchParams();
  for (const [key, def] of Object.entries(DEFAULTS)) {
    const value = state[key];
    if (Array.isArray(def)) {
      if (JSON.stringify(value) !== JSON.stringify(def)) value.forEach((v) => q.append(key, v));
    } else if (String(value) !== String(def)) {
      q.set(key, String(value));
    }
  }
  const qs = q.toString();
  history.replaceState(null, '', qs ? `?${qs}` : location.pathname);
}

/** Changes some values, rewrites the address and tells every subscriber which keys changed. */
export function update(patch) {
  const changed = Object.keys(patch).filter((k) => JSON.stringify(state[k]) !== JSON.stringify(patch[k]));
  if (changed.length === 0) return;
  Object.assign(state, patch);
  save();
  for (const listener of listeners) listener(changed);
}

export function subscribe(listener) {
  listeners.add(listener);
}
