// The training view: method, optimizer, precision, LoRA, sequence, batch, recomputation, ZeRO, offload, parallelism and GPU
// → memory per GPU by category against the GPU's capacity, how many GPUs, and how long (and how much) the run takes.

import { h, byId, fill } from '../dom.js';
import { request, isAbort } from '../api.js';
import { state, update, subscribe } from '../state.js';
import { debounced } from '../schedule.js';
import { showError, clearError } from '../errors.js';
import { kpi } from '../kpi.js';
import { gib, gb, int, params, decimal } from '../format.js';
import { SEQ_STEPS, LORA_RANKS, PARALLEL, GPU_COUNTS } from '../options.js';
import { devicePicker } from '../devices.js';
import { stackedBar } from '../charts/stacked-bar.js';
import { itemsTable, totalExplanation } from '../items-table.js';

const KEYS = ['model', 'method', 'optimizer', 'precision', 'loraRank', 'loraTargets', 'seq', 'microBatch', 'recompute', 'zero',
  'offload', 'tp', 'pp', 'tDevice', 'gpus', 'tokens', 'price'];
// Control id → state key; numbers are parsed as numbers.
const SELECTS = [['t-method', 'method'], ['t-optimizer', 'optimizer'], ['t-precision', 'precision'], ['t-lora-rank', 'loraRank', Number],
  ['t-lora-targets', 'loraTargets'], ['t-recompute', 'recompute'], ['t-zero', 'zero', Number], ['t-offload', 'offload'],
  ['t-tp', 'tp', Number], ['t-pp', 'pp', Number], ['t-device', 'tDevice'], ['t-gpus', 'gpus']];
const CATEGORIES = [
  { key: 'weights', label: 'weights', field: 'weightsBytes' },
  { key: 'gradients', label: 'gradients', field: 'gradientsBytes' },
  { key: 'optimizer', label: 'optimizer and master weights', field: 'optimizerBytes' },
  { key: 'activations', label: 'activations', field: 'activationsBytes' },
  { key: 'overhead', label: 'overhead', field: 'overheadBytes' },
];
const SOURCE = 'docs/METHOD.md, "Training" (model states, LoRA/QLoRA, activations, ZeRO and parallel layouts), checked against published peaks (docs/ACCURACY.md)';

let lastReport = null;

const options = (select, values) => fill(select, values.map(([value, label]) => h('option', { value }, label)));

function syncControls() {
  for (const [id, key] of SELECTS) byId(id).value = String(state[key]);
  const full = state.method === 'full';
  for (const el of document.querySelectorAll('#training-controls .lora')) el.hidden = full;
  const seq = byId('t-seq');
  const i = SEQ_STEPS.reduce((best, c, j) => (Math.abs(c - state.seq) < Math.abs(SEQ_STEPS[best] - state.seq) ? j : best), 0);
  seq.value = String(i);
  seq.setAttribute('aria-valuetext', `${int(state.seq)} tokens`);
  fill(byId('t-seq-out'), `${int(state.seq)} tokens`);
  for (const [id, key] of [['t-micro-batch', 'microBatch'], ['t-tokens', 'tokens'], ['t-price', 'price']]) {
    if (document.activeElement !== byId(id)) byId(id).value = String(state[key]);
  }
}

function render(r) {
  lastReport = r;
  const m = r.memory;
  const gpuItems = r.items.filter((i) => i.location === 'GPU');
  const perGpu = totalExplanation('Memory per GPU', m.perGpuBytes, gpuItems.map((i) => ({ name: i.name, bytes: i.bytes })), SOURCE);
  const g = r.gpus;
  const c = r.compute;
  fill(byId('training-kpis'),
    kpi('per-gpu', 'Memory per GPU', gib(m.perGpuBytes), perGpu,
      g.usableBytesPerGpu ? `${gb(m.perGpuBytes)} · ${g.fits ? 'fits' : 'does not fit'} in ${gib(g.usableBytesPerGpu)} usable` : gb(m.perGpuBytes),
      g.fits === false ? 'accent bad' : 'accent'),
    kpi('gpus', 'GPUs', int(g.count), {
      title: 'GPUs',
      value: `${g.count}${g.device ? ` × ${g.device}` : ''}${g.countGiven ? ' (given)' : ' (the fewest that fit)'}`,
      formula: g.minimumNote ?? (g.countGiven ? 'as given' : 'the smallest count whose per-GPU memory fits the usable memory, searched over the parallel layout'),
      inputs: [...(g.usableBytesPerGpu ? [{ name: 'usable per GPU', value: gib(g.usableBytesPerGpu) }] : []),
        ...(r.quickEstimates.gpusFormula ? [{ name: 'rule of thumb', value: r.quickEstimates.gpusFormula }] : [])],
      source: SOURCE,
    }, r.settings.find((s) => s.name === 'GPUs')?.value ?? ''),
    kpi('days', 'Time', `${decimal(c.days, 1)} days`, {
      title: 'Training time',
      value: `${decimal(c.gpuHours, 0)} GPU-hours, ${decimal(c.wallClockHours, 1)} h wall clock`,
      formula: c.timeFormula,
      inputs: [{ name: 'FLOPs', value: c.formula }, { name: 'tokens', value: int(c.tokens) }, { name: 'MFU', value: String(c.modelFlopsUtilization) },
        { name: 'peak per GPU', value: `${decimal(c.peakFlopsPerGpu / 1e12, 1)} TFLOP/s (${c.device})` }],
      source: 'docs/METHOD.md, "Training FLOPs" and "Training time" (6 × matrix parameters per token plus attention; Chinchilla tokens by default)',
    }, `${int(Math.round(c.gpuHours))} GPU-hours${c.costUsd != null ? ` · $${int(Math.round(c.costUsd))}` : ''}`),
    kpi('trainable', 'Trainable parameters', params(r.parameters.trainable), {
      title: 'Trainable parameters',
      value: `${int(r.parameters.trainable)} of ${int(r.parameters.total)} (${decimal(r.parameters.trainablePercent, 3)}%)`,
      formula: r.method === 'full' ? 'every parameter' : 'LoRA adapters: r × (in + out) per adapted matrix, as PEFT counts them',
      inputs: r.settings,
      source: SOURCE,
    }, `of ${params(r.parameters.total)}`),
    m.cpuBytesPerNode + m.nvmeBytesPerNode > 0 ? kpi('offloaded', 'Offloaded per node', gib(m.cpuBytesPerNode + m.nvmeBytesPerNode), totalExplanation('Offloaded state per node',
      m.cpuBytesPerNode + m.nvmeBytesPerNode, r.items.filter((i) => i.location !== 'GPU').map((i) => ({ name: `${i.name} (${i.location})`, bytes: i.bytes })), SOURCE),
    `CPU RAM ${gib(m.cpuBytesPerNode)} · NVMe ${gib(m.nvmeBytesPerNode)}`) : null);

  stackedBar(byId('training-bar'), byId('training-bar-legend'), {
    segments: CATEGORIES.map((cat) => {
      const items = gpuItems.filter((i) => i.category === cat.key);
      return { key: cat.key, label: cat.label, bytes: m[cat.field], explanation: totalExplanation(cat.label, m[cat.field], items.map((i) => ({ name: i.name, bytes: i.bytes })), SOURCE) };
    }),
    capacities: g.usableBytesPerGpu ? [{ label: state.tDevice || 'GPU', bytes: g.usableBytesPerGpu }] : [],
    label: `Memory per GPU by category, ${gib(m.perGpuBytes)}`,
  });
  itemsTable(byId('training-items'), r.items, { bytes: m.perGpuBytes, explanation: perGpu }, (item) => item.location);
  const checkpoint = `Checkpoint: ${gb(r.checkpoint.weightsBytes)} of weights (${r.checkpoint.weightsFormula}); ${gb(r.checkpoint.withOptimizerBytes)} with optimizer states`;
  const deepSpeed = r.quickEstimates.deepSpeed ? `DeepSpeed's own estimator: ${gib(r.quickEstimates.deepSpeed.gpuBytes)} per GPU (${r.quickEstimates.deepSpeed.printed})` : null;
  fill(byId('training-notes'), [checkpoint, `Rule of thumb: ${r.quickEstimates.modelStatesFormula} (${r.quickEstimates.modelStatesAssumes})`, deepSpeed, ...r.notes]
    .filter(Boolean).map((n) => h('li', {}, n)));
}

async function run(isCurrent) {
  const results = byId('training-results');
  results.setAttribute('aria-busy', 'true');
  const lora = state.method !== 'full';
  try {
    const report = await request('train', '/api/train', {
      params: {
        model: state.model, method: state.method, optimizer: state.optimizer, precision: state.precision,
        loraRank: lora ? state.loraRank : '', loraTargets: lora ? state.loraTargets : '', seq: state.seq, microBatch: state.microBatch,
        recompute: state.recompute, zero: state.zero, offload: state.offload, tp: state.tp, pp: state.pp, device: state.tDevice,
        gpus: state.gpus, tokens: state.tokens.trim(), price: state.price,
      },
    });
    if (!isCurrent()) return;
    render(report);
    clearError('training');
  } catch (error) {
    if (!isAbort(error) && isCurrent()) showError('training', error);
  }
  if (isCurrent()) results.setAttribute('aria-busy', 'false');
}

export function setupTraining(devices) {
  options(byId('t-lora-rank'), LORA_RANKS.map((r) => [r, String(r)]));
  options(byId('t-tp'), PARALLEL.map((n) => [n, String(n)]));
  options(byId('t-pp'), PARALLEL.map((n) => [n, String(n)]));
  options(byId('t-gpus'), [['', 'the fewest that fit'], ...GPU_COUNTS.map((n) => [n, String(n)])]);
  byId('t-device').replaceWith(devicePicker('t-device', state.tDevice, 'GPU', ['gpu']));
  byId('t-device').removeAttribute('aria-label'); // the <label for> names it
  const seq = byId('t-seq');
  seq.max = String(SEQ_STEPS.length - 1);

  byId('training-controls').addEventListener('submit', (event) => event.preventDefault());
  for (const [id, key, type] of SELECTS) byId(id).addEventListener('change', (e) => update({ [key]: type ? type(e.target.value) : e.target.value }));
  seq.addEventListener('input', () => update({ seq: SEQ_STEPS[Number(seq.value)] }));
  byId('t-micro-batch').addEventListener('input', (e) => {
    const n = Math.round(Number(e.target.value));
    if (n >= 1 && n <= 512) update({ microBatch: n });
  });
  byId('t-tokens').addEventListener('change', (e) => update({ tokens: e.target.value.trim() }));
  byId('t-price').addEventListener('input', (e) => update({ price: e.target.value }));

  const trigger = debounced(run);
  subscribe((changed) => {
    syncControls();
    if (state.tab === 'training' && (changed.includes('tab') || changed.some((k) => KEYS.includes(k)))) trigger();
  });
  window.addEventListener('resize', () => state.tab === 'training' && lastReport && render(lastReport));
  syncControls();
  return { start: () => state.tab === 'training' && trigger() };
}
