// Model files dropped on the page: only their headers are read (Blob.slice) and posted to /api/uploads, never the file.
// GGUF: the first 1 MiB, more if the server says the header goes on (422 with neededBytes); safetensors: the 8-byte
// length and the JSON header it announces; config.json and index files whole (they are small).

import { ApiError, request } from './api.js';
import { tracked } from './schedule.js';

const MIB = 2 ** 20;
const FIRST_GGUF_BYTES = MIB;
const MAX_JSON_BYTES = MIB;
const MAX_BODY_BYTES = 32 * MIB; // the server's limit for one upload
const MAX_TRIES = 6;

async function firstBytes(file) {
  const name = file.name.toLowerCase();
  if (name.endsWith('.gguf')) return Math.min(file.size, FIRST_GGUF_BYTES);
  if (name.endsWith('.safetensors')) {
    if (file.size < 8) return file.size;
    // The file starts with the JSON header's length, a little-endian u64.
    const wanted = 8n + new DataView(await file.slice(0, 8).arrayBuffer()).getBigUint64(0, true);
    return Number(wanted < BigInt(file.size) ? wanted : BigInt(file.size));
  }
  if (name.endsWith('.json')) {
    if (file.size > MAX_JSON_BYTES) throw new Error(`${file.name}: ${file.size} bytes; a config.json or index is expected to be under 1 MiB`);
    return file.size;
  }
  throw new Error(`${file.name}: expected a config.json, a .gguf or a .safetensors file`);
}

/** Posts the headers of `files`; resolves to {model, report} (model is the upload:… id usable as a model everywhere). */
export async function uploadModel(files, onProgress) {
  const list = [...files];
  if (list.length === 0) throw new Error('no file given');
  const sizes = await Promise.all(list.map(firstBytes));
  for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
    const sent = sizes.reduce((a, b) => a + b, 0);
    if (sent > MAX_BODY_BYTES) throw new Error(`the headers need more than ${MAX_BODY_BYTES / MIB} MiB; the server accepts at most that`);
    onProgress?.(sent);
    const form = new FormData();
    list.forEach((file, i) => form.append('file', file.slice(0, sizes[i]), file.name));
    form.append('lengths', list.map((f) => f.size).join(','));
    try {
      return await request('upload', '/api/uploads', { method: 'POST', body: form });
    } catch (error) {
      const needed = error instanceof ApiError ? error.problem.neededBytes : undefined;
      const i = list.findIndex((f) => f.name === error.problem?.file);
      if (!needed || i < 0 || needed <= sizes[i] || sizes[i] >= list[i].size) throw error;
      // The header goes on past what was sent: send what the server asks for, at least twice as much, within the file.
      sizes[i] = Math.min(list[i].size, Math.max(needed, sizes[i] * 2));
    }
  }
  throw new Error(`${list.map((f) => f.name).join(', ')}: the header was still incomplete after ${MAX_TRIES} tries`);
}

/** Makes `zone` accept dropped files and `input` chosen ones; `onFiles(fileList)` gets either (the page is busy until it is done). */
export function dropZone(zone, input, handle) {
  const onFiles = (files) => tracked(Promise.resolve(handle(files)));
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    if (event.dataTransfer?.files?.length) onFiles(event.dataTransfer.files);
  });
  input.addEventListener('change', () => {
    if (input.files?.length) onFiles(input.files);
    input.value = '';
  });
}
