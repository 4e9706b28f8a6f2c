// The model shared by the inference and training views: a catalog entry (grouped by family), a bare size, or a dropped file.

import { h, byId, fill } from './dom.js';
import { cached } from './api.js';
import { state, update, subscribe } from './state.js';
import { uploadModel, dropZone } from './upload.js';
import { showError, clearError } from './errors.js';
import { num } from './explain.js';
import { tracked } from './schedule.js';
import { params, int, tokensShort } from './format.js';

const SIZE = /^\s*(\d+x)?\d+(\.\d+)?\s*[kmbt]\s*$/i;
const fileNames = new Map(); // upload id → the names of the files it came from (this session only)
let catalogIds = new Set();

/** The inspection of the current model (cached per model), or a rejected promise when it cannot be inspected. */
export const inspectModel = () => cached('/api/inspect', { model: state.model });

function parametersExplanation(report) {
  const p = report.parameters;
  const b = p.breakdown;
  return {
    title: `Parameters of ${report.model.name}`,
    value: `${int(p.total)} (${params(p.total)})${p.active !== p.total ? `, ${int(p.active)} active per token` : ''}`,
    formula: 'total = embedding + attention + MLP (or experts) + norms + LM head + other; each stored tensor counted once',
    inputs: Object.entries(b).map(([name, value]) => ({ name, value: int(value) })),
    source: p.countedFrom === 'architecture'
      ? `counted from the architecture (ParameterCounter; docs/METHOD.md "Parameter counting")${report.model.huggingFaceRepo ? `; checkpoint ${report.model.huggingFaceRepo}` : ''}`
      : `counted from the ${p.countedFrom}: exact by construction`,
    notes: report.model.notes,
  };
}

function renderSummary(report) {
  const a = report.architecture;
  const facts = [];
  if (a) {
    facts.push(a.architecture, `${a.layers} layers`, `hidden ${int(a.hiddenSize)}`);
    if (a.maxContextTokens) facts.push(`context ${tokensShort(a.maxContextTokens)}`);
  }
  const from = fileNames.get(state.model);
  fill(byId('model-summary'),
    h('strong', {}, report.model.name), from && !report.model.name.includes(from) ? ` (from ${from})` : '', ' · ',
    num(`${params(report.parameters.total)} parameters`, parametersExplanation(report)),
    report.parameters.active !== report.parameters.total ? ` · ${params(report.parameters.active)} active` : '',
    facts.length ? ` · ${facts.join(' · ')}` : '');
}

async function refreshSummary() {
  try {
    renderSummary(await tracked(inspectModel()));
    clearError('model');
  } catch (error) {
    if (error.name === 'AbortError') return;
    fill(byId('model-summary'));
    showError('model', error);
  }
}

function sync() {
  const select = byId('model-select');
  const size = byId('model-size');
  if (catalogIds.has(state.model)) {
    select.value = state.model;
    if (document.activeElement !== size) size.value = '';
  } else {
    select.value = '';
    if (document.activeElement !== size && !state.model.startsWith('upload:')) size.value = state.model;
  }
}

export function setupModelPicker(models) {
  catalogIds = new Set(models.map((m) => m.id));
  const families = Map.groupBy(models, (m) => m.family ?? 'Other');
  const select = byId('model-select');
  fill(select, h('option', { value: '' }, '— a size or a file —'),
    [...families].map(([family, list]) => h('optgroup', { label: family },
      list.map((m) => h('option', { value: m.id }, `${m.name} · ${params(m.total)}`)))));

  select.addEventListener('change', () => {
    if (select.value) update({ model: select.value });
  });
  const size = byId('model-size');
  size.addEventListener('input', () => {
    if (SIZE.test(size.value)) update({ model: size.value.trim().toLowerCase() });
  });
  size.addEventListener('change', () => {
    if (size.value.trim()) update({ model: size.value.trim() });
  });

  const status = byId('model-summary');
  dropZone(byId('model-drop'), byId('model-file'), async (files) => {
    const names = [...files].map((f) => f.name).join(', ');
    fill(status, `Reading the header of ${names}…`);
    try {
      const { model } = await uploadModel(files);
      fileNames.set(model, names);
      clearError('upload');
      if (model === state.model) refreshSummary();
      update({ model });
    } catch (error) {
      showError('upload', error);
      refreshSummary();
    }
  });

  subscribe((changed) => {
    if (changed.includes('model')) {
      sync();
      refreshSummary();
    }
    if (changed.includes('tab')) byId('model-bar').hidden = state.tab === 'sampling';
  });
  byId('model-bar').hidden = state.tab === 'sampling';
  sync();
  refreshSummary();
}
