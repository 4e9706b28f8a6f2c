// The inference view: engine, weights, context, batch, KV type and devices → memory by component against each device,
// memory against context, the fit verdict with its offload plan, speed and load time, and every line of the estimate.

import { h, byId, fill } from '../dom.js';
import { request, isAbort } from '../api.js';
import { state, update, subscribe } from '../state.js';
import { debounced } from '../schedule.js';
import { showError, clearError } from '../errors.js';
import { num } from '../explain.js';
import { kpi, fact } from '../kpi.js';
import { gib, gb, int, rate, decimal, duration } from '../format.js';
import { WEIGHTS, DEFAULT_WEIGHTS, KV_TYPES, DEFAULT_KV, RAM_GIB, contextSteps } from '../options.js';
import { setupDevices, chosenDevices, deviceById } from '../devices.js';
import { inspectModel } from '../model-picker.js';
import { stackedBar } from '../charts/stacked-bar.js';
import { curveChart } from '../charts/curve.js';
import { itemsTable, totalExplanation } from '../items-table.js';
import * as fx from '../fit-explain.js';

const KEYS = ['model', 'engine', 'weights', 'context', 'batch', 'kvType', 'device', 'storage', 'ram'];
const CATEGORIES = [
  { key: 'weights', label: 'weights', field: 'weightsBytes' },
  { key: 'kvCache', label: 'KV cache', field: 'kvCacheBytes' },
  { key: 'compute', label: 'compute buffers', field: 'computeBytes' },
  { key: 'overhead', label: 'overhead', field: 'overheadBytes' },
];
const VERDICTS = { fits: 'fits', fitsWithOffload: 'fits with CPU offload', doesNotFit: 'does not fit' };
const ESTIMATE_SOURCE = "the engine's rules (docs/METHOD.md: llama.cpp, vLLM, transformers), checked against the engines' own logs (docs/ACCURACY.md)";

let steps = contextSteps(131072);
let storageById = new Map();
let lastCurve = null;
let lastEstimate = null;

const options = (select, values) => fill(select, values.map(([value, label]) => h('option', { value }, label)));

let optionsFor = '';

function syncControls() {
  byId('engine').value = state.engine;
  const kv = KV_TYPES[state.engine];
  const upload = state.model.startsWith('upload:');
  // The choices depend on the engine (and a file's own weights); rebuilt only when those change, so an open list stays open.
  if (optionsFor !== `${state.engine}|${upload}`) {
    optionsFor = `${state.engine}|${upload}`;
    options(byId('weights'), [['', `auto — ${upload ? 'as stored' : DEFAULT_WEIGHTS[state.engine]}`], ...WEIGHTS[state.engine].map((w) => [w, w])]);
    options(byId('kv-type'), [['', `default — ${DEFAULT_KV[state.engine]}`], ...kv.filter((k) => k !== 'f16' && k !== 'auto').map((k) => [k, k])]);
  }
  byId('weights').value = WEIGHTS[state.engine].includes(state.weights) ? state.weights : '';
  byId('kv-type').value = kv.includes(state.kvType) ? state.kvType : '';
  byId('kv-type').disabled = kv.length === 0;
  const slider = byId('context');
  slider.max = String(steps.length - 1);
  const nearest = steps.reduce((best, c, i) => (Math.abs(c - state.context) < Math.abs(steps[best] - state.context) ? i : best), 0);
  slider.value = String(nearest);
  slider.setAttribute('aria-valuetext', `${int(state.context)} tokens`);
  fill(byId('context-out'), `${int(state.context)} tokens`);
  if (document.activeElement !== byId('batch')) byId('batch').value = String(state.batch);
  byId('storage').value = state.storage;
  byId('ram').value = state.ram;
}

function categoryExplanation(report, category) {
  const items = report.items.filter((i) => i.category === category.key);
  const bytes = report.memory[category.field];
  return totalExplanation(`${category.label} of ${report.model.name}`, bytes, items.map((i) => ({ name: i.name, bytes: i.bytes })), ESTIMATE_SOURCE);
}

function renderEstimate(report) {
  lastEstimate = report;
  const m = report.memory;
  const totalExp = totalExplanation(`Total memory of ${report.model.name} on ${report.engine}`, m.totalBytes,
    CATEGORIES.map((c) => ({ name: c.label, bytes: m[c.field] })), ESTIMATE_SOURCE);
  fill(byId('inference-kpis'),
    kpi('total', 'Total memory', gib(m.totalBytes), totalExp, `${gb(m.totalBytes)} · ${int(report.contextTokens)} tokens × ${state.batch} on ${report.engine}`, 'accent'),
    ...CATEGORIES.filter((c) => c.key !== 'overhead' || m.overheadBytes > 0).map((c) =>
      kpi(c.key, c.label, gib(m[c.field]), categoryExplanation(report, c), gb(m[c.field]))));

  const capacities = chosenDevices().filter((d) => d.device).map((d) => ({
    label: d.count > 1 ? `${d.device.id} ×${d.count}` : d.device.id,
    bytes: d.device.usableMemoryBytes * d.count,
  }));
  stackedBar(byId('memory-bar'), byId('memory-bar-legend'), {
    segments: CATEGORIES.map((c) => ({ key: c.key, label: c.label, bytes: m[c.field], explanation: categoryExplanation(report, c) })),
    capacities,
    label: `Memory by component, ${gib(m.totalBytes)} in all, against ${capacities.map((c) => `${c.label} ${gib(c.bytes)}`).join(', ')}`,
  });
  itemsTable(byId('inference-items'), report.items, { bytes: m.totalBytes, explanation: totalExp }, (item) => item.device);
  fill(byId('inference-notes'), report.notes.map((n) => h('li', {}, n)));
}

function planText(r) {
  const parts = [];
  if (r.engine === 'llama.cpp' && r.gpuLayers != null) {
    parts.push(`-ngl ${r.gpuLayers}${r.offloadedLayers ? ` (${r.offloadedLayers} layers on the CPU)` : ''}`);
    if (r.cpuMoeLayers) parts.push(`--n-cpu-moe ${r.cpuMoeLayers}`);
    if (r.tensorSplit) parts.push(`--tensor-split ${r.tensorSplit.join(',')}`);
  }
  if (r.tensorParallel) parts.push(`-tp ${r.tensorParallel}`);
  if (r.kvCache) parts.push(`KV cache ${int(r.kvCache.tokens)} tokens (${decimal(r.kvCache.maxConcurrency, 2)}× concurrency)`);
  return parts.length ? `${r.engine}: ${parts.join(' · ')}` : r.engine;
}

function placement(r) {
  return h('div', { class: 'placement' }, r.devices.map((d) => h('div', { class: 'use' },
    h('span', { class: 'use-name' }, d.device, d.layers ? h('small', {}, ` ${d.layers}`) : null),
    h('meter', { min: 0, max: d.capacityBytes, low: Math.max(0, d.capacityBytes - d.marginBytes) * 0.85, high: Math.max(0, d.capacityBytes - d.marginBytes), optimum: 0, value: Math.min(d.usedBytes, d.capacityBytes), 'aria-label': `${d.device} use` }),
    h('span', { class: `use-value ${d.fits ? '' : 'over'}` }, `${gib(d.usedBytes)} of ${gib(d.capacityBytes)}`))));
}

function fitCard(r, chosen) {
  const device = deviceById(r.device.id);
  const storage = storageById.get(r.storage);
  const t = r.tokensPerSecond;
  const facts = [
    t && fact('decode', 'decode', `${rate(t.decode)} tok/s`, fx.decodeExplanation(r, device)),
    t && fact('prefill', 'prefill', `${rate(t.prefill)} tok/s`, fx.prefillExplanation(r, device)),
    r.timeToFirstTokenSeconds != null && fact('ttft', 'first token', duration(r.timeToFirstTokenSeconds), fx.prefillExplanation(r, device)),
    r.loadSeconds != null && fact('load', `load from ${r.storage}`, duration(r.loadSeconds), fx.loadExplanation(r, storage)),
    r.maxContext != null && fact('max-context', 'longest context', `${int(r.maxContext)}`, fx.maxContextExplanation(r)),
    fact('best-weights', 'best weights on device', r.bestWeights ?? 'none', fx.bestWeightsExplanation(r)),
    fact('min-devices', 'fewest devices', r.minDevices == null ? '> 64' : `${r.minDevices}`, fx.minDevicesExplanation(r)),
    r.hostRamBytes > 0 && fact('host-ram', 'system RAM', gib(r.hostRamBytes), fx.hostRamExplanation(r)),
    fact('disk', 'disk', gb(r.diskBytes), fx.diskExplanation(r)),
  ].filter(Boolean);
  return h('article', { class: 'fit', 'data-device': chosen },
    h('header', {}, h('h3', {}, `${r.device.name} ×${r.device.count}`),
      num(VERDICTS[r.verdict] ?? r.verdict, fx.verdictExplanation(r), `verdict ${r.verdict}`)),
    h('p', { class: 'plan' }, planText(r)),
    h('dl', { class: 'facts' }, facts),
    placement(r),
    r.notes.length ? h('details', { class: 'notes' }, h('summary', {}, `${r.notes.length} note${r.notes.length > 1 ? 's' : ''}`), h('ul', {}, r.notes.map((n) => h('li', {}, n)))) : null);
}

function renderFits(reports, devices) {
  fill(byId('fit-cards'), h('h2', {}, 'Will it fit'), h('div', { class: 'fit-grid' }, reports.map((r, i) => fitCard(r, devices[i]))));
}

function renderCurve(curve) {
  lastCurve = curve;
  const selected = state.weights || (curve.series.some((x) => x.weights === DEFAULT_WEIGHTS[state.engine]) ? DEFAULT_WEIGHTS[state.engine] : curve.series[0]?.weights);
  curveChart(byId('memory-curve'), byId('memory-curve-legend'), curve, {
    context: state.context,
    selected,
    onPick: (context) => update({ context }),
  });
}

async function run(isCurrent) {
  const results = byId('inference-results');
  results.setAttribute('aria-busy', 'true');
  const base = { model: state.model, engine: state.engine, weights: state.weights, context: state.context, batch: state.batch, kvType: state.kvType };
  const devices = chosenDevices();
  const when = (promise, render) => promise.then((value) => isCurrent() && render(value));
  const settled = await Promise.allSettled([
    when(request('estimate', '/api/estimate', { params: base }), renderEstimate),
    when(request('curve', '/api/curve', { params: { ...base, device: state.device } }), renderCurve),
    when(Promise.all(devices.map((d, i) => request(`fit:${i}`, '/api/fit', {
      params: { ...base, device: d.id, count: d.count, ram: state.ram, storage: state.storage },
    }))), (reports) => renderFits(reports, state.device)),
  ]);
  if (!isCurrent()) return;
  const failed = settled.find((r) => r.status === 'rejected' && !isAbort(r.reason));
  if (failed) showError('inference', failed.reason);
  else clearError('inference');
  results.setAttribute('aria-busy', 'false');
}

async function refreshSteps() {
  try {
    const report = await inspectModel();
    steps = contextSteps(report.architecture?.maxContextTokens || 131072);
  } catch {
    // The model summary shows why; keep the previous steps.
  }
  syncControls();
}

export function setupInference(storage, devices) {
  storageById = new Map(storage.map((x) => [x.id, x]));
  options(byId('storage'), [['', 'not given'], ...storage.map((x) => [x.id, `${x.name} · ${decimal(x.readBytesPerSecond / 1e9, 2)} GB/s`])]);
  options(byId('ram'), [['', 'not checked'], ...RAM_GIB.map((g) => [`${g}GiB`, `${g} GiB`])]);
  const renderDeviceRows = setupDevices(devices);

  byId('inference-controls').addEventListener('submit', (event) => event.preventDefault());
  byId('engine').addEventListener('change', (e) => update({ engine: e.target.value, weights: '', kvType: '' }));
  byId('weights').addEventListener('change', (e) => update({ weights: e.target.value }));
  byId('kv-type').addEventListener('change', (e) => update({ kvType: e.target.value }));
  byId('context').addEventListener('input', (e) => update({ context: steps[Number(e.target.value)] }));
  byId('batch').addEventListener('input', (e) => {
    const n = Math.round(Number(e.target.value));
    if (n >= 1 && n <= 1024) update({ batch: n });
  });
  byId('storage').addEventListener('change', (e) => update({ storage: e.target.value }));
  byId('ram').addEventListener('change', (e) => update({ ram: e.target.value }));

  const trigger = debounced(run);
  subscribe((changed) => {
    if (changed.includes('device')) renderDeviceRows();
    if (changed.includes('model')) refreshSteps();
    else syncControls();
    if (state.tab === 'inference' && (changed.includes('tab') || changed.some((k) => KEYS.includes(k)))) trigger();
  });
  window.addEventListener('resize', () => {
    if (state.tab !== 'inference') return;
    if (lastEstimate) renderEstimate(lastEstimate);
    if (lastCurve) renderCurve(lastCurve);
  });
  return { start: () => { renderDeviceRows(); refreshSteps(); if (state.tab === 'inference') trigger(); } };
}
