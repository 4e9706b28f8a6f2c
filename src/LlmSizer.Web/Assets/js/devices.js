// The devices a model is judged against: rows of catalog device × count, kept in the address as NAME or NAMExN
// (the CLI's spelling).

import { h, byId, fill } from './dom.js';
import { state, update } from './state.js';
import { GIB, int } from './format.js';

const KIND_LABELS = { gpu: 'GPUs', unified: 'Apple Silicon and unified memory', cpu: 'CPU and system RAM' };
const COUNTS = [1, 2, 3, 4, 6, 8];
let catalog = new Map();

/** {id, count, device} of a state entry; the count suffix counts only when the rest names a catalog device. */
export function parseDevice(text) {
  const m = /^(.+)x(\d+)$/.exec(text);
  const id = m && catalog.has(m[1]) ? m[1] : text;
  const count = m && catalog.has(m[1]) ? Number(m[2]) : 1;
  return { id, count, device: catalog.get(id) };
}

const entry = (id, count) => (count > 1 ? `${id}x${count}` : id);

/** The chosen devices, resolved. */
export const chosenDevices = () => state.device.map(parseDevice);

export const deviceById = (id) => catalog.get(id);

/** The catalog name without the vendor's brand prefix, so a narrow select still shows the model. */
const shortName = (name) => name.replace(/^NVIDIA (GeForce )?/, '').replace(/^AMD (Radeon )?/, '').replace(/^Intel /, '');

function deviceSelect(id, value, label, kinds = ['gpu', 'unified', 'cpu']) {
  const groups = kinds.map((kind) => h('optgroup', { label: KIND_LABELS[kind] },
    [...catalog.values()].filter((d) => d.kind === kind).map((d) => h('option', { value: d.id }, `${shortName(d.name)} · ${int(Math.round(d.memoryBytes / GIB))} GiB`))));
  const select = h('select', { id, 'aria-label': label }, groups);
  select.value = value;
  return select;
}

/** A <select> of catalog devices of the given kinds (the training view's GPU). */
export const devicePicker = deviceSelect;

function renderRows() {
  const rows = chosenDevices();
  const set = (i, id, count) => {
    const next = [...state.device];
    next[i] = entry(id, count);
    update({ device: next });
  };
  fill(byId('device-rows'), rows.map((row, i) => {
    const pick = deviceSelect(`device-${i}`, row.id, `Device ${i + 1}`);
    pick.addEventListener('change', () => set(i, pick.value, row.count));
    const count = h('select', { id: `device-count-${i}`, 'aria-label': `How many of device ${i + 1}` },
      COUNTS.map((n) => h('option', { value: n }, `×${n}`)));
    count.value = String(row.count);
    count.addEventListener('change', () => set(i, row.id, Number(count.value)));
    const remove = rows.length > 1
      ? h('button', { type: 'button', class: 'ghost icon', 'aria-label': `Remove device ${i + 1}`, onclick: () => update({ device: state.device.filter((_, j) => j !== i) }) }, '×')
      : null;
    return h('div', { class: 'device-row' }, pick, count, remove);
  }));
}

export function setupDevices(devices) {
  catalog = new Map(devices.map((d) => [d.id, d]));
  byId('device-add').addEventListener('click', () => {
    const next = ['rtx-3090', 'm4-max-128gb', 'h100-sxm', 'ddr5-5600-2ch'].find((id) => catalog.has(id) && !state.device.includes(id));
    if (state.device.length < 4) update({ device: [...state.device, next ?? 'rtx-4090'] });
  });
  return renderRows;
}
