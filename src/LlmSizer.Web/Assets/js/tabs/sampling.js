// The sampling view: temperature, top-k, top-p and min-p over the built-in example (or a dropped logits file) → the
// distribution before and after each stage, in the engine's order, with why each stage kept what it kept.

import { h, byId, fill } from '../dom.js';
import { request, isAbort } from '../api.js';
import { state, update, subscribe } from '../state.js';
import { debounced } from '../schedule.js';
import { showError, clearError } from '../errors.js';
import { num } from '../explain.js';
import { kpi } from '../kpi.js';
import { int, decimal } from '../format.js';
import { dropZone } from '../upload.js';
import { distributionChart } from '../charts/distribution.js';

const KEYS = ['sEngine', 'temperature', 'topK', 'topP', 'minP'];
const MAX_LOGITS_BYTES = 8 * 2 ** 20; // the server's limit for POST /api/sample
const ROWS = 12;
// Slider id → state key, the report's settings field, and how a value reads.
const SLIDERS = [
  ['s-temperature', 'temperature', 'temperature', (v) => (v === 0 ? '0 (greedy)' : decimal(v, 2))],
  ['s-top-k', 'topK', 'topK', (v) => (v === 0 ? 'off' : String(v))],
  ['s-top-p', 'topP', 'topP', (v) => (v >= 1 ? 'off' : decimal(v, 2))],
  ['s-min-p', 'minP', 'minP', (v) => (v === 0 ? 'off' : decimal(v, 2))],
];
const SOURCE = 'docs/METHOD.md, "Sampling" (Sampling/: stages, engine orders, log-sum-exp)';

let logits = null; // {name, text, type} of a dropped file
let report = null;
let pick = -1; // the stage shown: -1 = input → final, i ≥ 1 = stage i−1 → stage i

function syncControls(settings) {
  byId('s-engine').value = state.sEngine;
  for (const [id, key, field, read] of SLIDERS) {
    const given = state[key] !== '';
    const value = given ? Number(state[key]) : settings?.[field];
    const slider = byId(id);
    if (value !== undefined && document.activeElement !== slider) slider.value = String(value);
    const text = value === undefined ? '' : `${read(Number(value))}${given ? '' : ' (default)'}`;
    slider.setAttribute('aria-valuetext', text);
    fill(byId(`${id}-out`), text);
  }
}

const entropyExplanation = (stage) => ({
  title: `Entropy ${stage.name === 'input' ? 'of the input' : `after ${stage.name}`}`,
  value: `${decimal(stage.entropyNats, 3)} nats; effective candidates e^H = ${decimal(stage.effectiveCandidates, 3)}`,
  formula: 'H = −Σ p·ln p over the survivors, renormalized; e^H is the number of equally likely tokens with the same entropy',
  inputs: [{ name: 'survivors', value: int(stage.survivors) }, ...(stage.setting ? [{ name: 'setting', value: stage.setting }] : [])],
  source: SOURCE,
});

function renderChart() {
  const stages = report.stages;
  const last = stages.length - 1;
  const [before, after] = pick < 1
    ? [stages[0], { ...stages[last], name: 'all stages', candidates: report.final.length ? report.final : stages[last].candidates }]
    : [stages[pick - 1], stages[pick]];
  fill(byId('stage-picker'),
    [[-1, 'input → final'], ...stages.slice(1).map((st, i) => [i + 1, `${st.name} ${st.setting}`])].map(([i, label]) =>
      h('button', { type: 'button', class: 'chip', 'aria-pressed': String(i === pick), onclick: () => { pick = i; renderChart(); } }, label)));
  distributionChart(byId('distribution'), byId('distribution-legend'), before, after, ROWS);
}

function render(r) {
  report = r;
  if (pick >= r.stages.length) pick = -1;
  syncControls(r.settings);
  const input = r.stages[0];
  const top = r.final[0];
  const finalEntropy = entropyExplanation({ ...r.stages.at(-1), name: 'the last stage', entropyNats: r.entropyNats, effectiveCandidates: r.effectiveCandidates });
  fill(byId('sampling-kpis'),
    kpi('survivors', 'Tokens that can be drawn', int(r.finalSurvivors), {
      title: 'Survivors', value: `${int(r.finalSurvivors)} of ${int(r.vocabularySize)} tokens`,
      formula: r.order.join(' → '),
      inputs: r.stages.map((st) => ({ name: `${st.name} ${st.setting}`.trim(), value: `${int(st.survivors)} left` })),
      source: r.orderSource,
    }, `of ${int(r.vocabularySize)} · ${r.engine}`, 'accent'),
    kpi('entropy', 'Entropy', `${decimal(r.entropyNats, 3)} nats`, finalEntropy, `input ${decimal(input.entropyNats, 3)} nats`),
    kpi('effective', 'Effective candidates', decimal(r.effectiveCandidates, 2), finalEntropy, `input ${decimal(input.effectiveCandidates, 2)}`),
    top ? kpi('top', `Top token “${top.token}”`, `${decimal(top.probability * 100, 2)}%`, {
      title: `Probability of “${top.token}”`, value: `${decimal(top.probability * 100, 4)}% after every stage (${decimal(input.candidates[0].probability * 100, 2)}% in the input)`,
      formula: 'each stage keeps its survivors and renormalizes: p_i = e^(z_i/T) / Σ_survivors e^(z_j/T)',
      inputs: [], source: SOURCE,
    }, `drawn ${r.draws.tokens[0]?.observed ?? 0} of ${int(r.draws.count)} (seed ${r.draws.seed})`) : null);
  renderChart();
  fill(byId('sampling-notes'),
    h('li', {}, 'Order: ', r.order.join(' → '), ' ', h('small', { class: 'muted' }, `(${r.orderSource})`)),
    r.stages.map((st) => h('li', {}, `${st.name} ${st.setting}`.trim(), ': ', int(st.survivors), ' candidates, entropy ', num(`${decimal(st.entropyNats, 3)} nats`, entropyExplanation(st)))),
    r.explanations.map((e) => h('li', {}, e.text)), r.notes.map((n) => h('li', {}, n)));
}

async function run(isCurrent) {
  const results = byId('sampling-results');
  results.setAttribute('aria-busy', 'true');
  const params = { engine: state.sEngine, temperature: state.temperature, topK: state.topK, topP: state.topP, minP: state.minP, show: 24 };
  try {
    const r = logits
      ? await request('sample', '/api/sample', { method: 'POST', params, body: logits.text, headers: { 'Content-Type': logits.type } })
      : await request('sample', '/api/sample', { params: { example: true, ...params } });
    if (!isCurrent()) return;
    render(r);
    clearError('sampling');
  } catch (error) {
    if (!isAbort(error) && isCurrent()) showError('sampling', error);
  }
  if (isCurrent()) results.setAttribute('aria-busy', 'false');
}

export function setupSampling() {
  const trigger = debounced(run);
  byId('sampling-controls').addEventListener('submit', (event) => event.preventDefault());
  byId('s-engine').addEventListener('change', (e) => update({ sEngine: e.target.value }));
  for (const [id, key] of SLIDERS) byId(id).addEventListener('input', (e) => update({ [key]: Number(e.target.value) }));
  const defaults = h('button', { type: 'button', class: 'ghost', id: 's-defaults' }, 'Engine defaults');
  defaults.addEventListener('click', () => update({ temperature: '', topK: '', topP: '', minP: '' }));
  byId('s-engine').parentElement.append(defaults);

  const clear = byId('logits-clear');
  dropZone(byId('logits-drop'), byId('logits-file'), async ([file]) => {
    if (file.size > MAX_LOGITS_BYTES) {
      showError('sampling', new Error(`${file.name}: ${int(file.size)} bytes; a logits file may hold at most 8 MiB`));
      return;
    }
    const type = file.name.toLowerCase().endsWith('.json') ? 'application/json' : 'text/csv';
    logits = { name: file.name, text: await file.text(), type };
    clear.hidden = false;
    fill(byId('logits-drop').querySelector('span'), `using ${file.name}`);
    trigger();
  });
  clear.addEventListener('click', () => {
    logits = null;
    clear.hidden = true;
    fill(byId('logits-drop').querySelector('span'), 'JSON array, {token: logit} or CSV — else the built-in example');
    trigger();
  });

  subscribe((changed) => {
    syncControls(report?.settings);
    if (state.tab === 'sampling' && (changed.includes('tab') || changed.some((k) => KEYS.includes(k)))) trigger();
  });
  window.addEventListener('resize', () => state.tab === 'sampling' && report && renderChart());
  return { start: () => state.tab === 'sampling' && trigger() };
}
