// Explanations of a fit's figures. The fit report carries no formula per figure, so each is told from what it does
// carry (placement, per-device use, bound, notes) and the catalog entries it was computed from, with the method's section.

import { gib, gb, int, rate, decimal } from './format.js';

const METHOD_FIT = 'docs/METHOD.md, "Fit" (Hardware/Fit/FitPlanner)';
const METHOD_SPEED = 'docs/METHOD.md, "Speed" (Hardware/Speed/SpeedEstimator): a roofline calibrated per engine and device class on llama-bench and vLLM runs';

const usage = (r) => r.devices.map((d) => ({
  name: `${d.device}${d.layers ? ` (${d.layers})` : ''}`,
  value: `${gib(d.usedBytes)} used + ${gib(d.marginBytes)} margin of ${gib(d.capacityBytes)} → ${d.fits ? 'fits' : 'too much'}`,
}));

const deviceInputs = (device) => device ? [
  { name: 'device', value: device.name },
  { name: 'memory bandwidth', value: `${decimal(device.bandwidthBytesPerSecond / 1e9, 1)} GB/s` },
  ...(device.fp16Flops ? [{ name: 'FP16 dense', value: `${decimal(device.fp16Flops / 1e12, 1)} TFLOPS` }] : []),
] : [];

const speedNotes = (r) => r.notes.filter((n) => /speed|bandwidth|RAM|CPU/i.test(n));

export function verdictExplanation(r) {
  return {
    title: `Verdict on ${r.device.name} ×${r.device.count}`,
    value: r.verdict,
    formula: 'a device fits while used + margin ≤ usable memory; "fits" when everything is in device memory, "fits with CPU offload" when layers or experts run from system RAM',
    inputs: usage(r),
    source: METHOD_FIT,
    notes: r.notes,
  };
}

export function decodeExplanation(r, device) {
  const t = r.tokensPerSecond;
  return {
    title: 'Decode speed',
    value: `${rate(t.decode)} tokens/s per sequence (${rate(t.aggregateDecode)} over all sequences), ${t.bound}-bound`,
    formula: 'per device: time = max(bytes read per token ÷ (bandwidth × share), FLOPs per token ÷ (peak × share)) + layers × per-layer cost; the devices a token passes add up; tokens/s = 1 ÷ step time',
    inputs: [...deviceInputs(device), { name: 'bound', value: t.bound }, ...(r.gpuLayers != null ? [{ name: '-ngl', value: String(r.gpuLayers) }] : [])],
    source: METHOD_SPEED,
    notes: speedNotes(r),
  };
}

export function prefillExplanation(r, device) {
  return {
    title: 'Prefill speed and first token',
    value: `${rate(r.tokensPerSecond.prefill)} tokens/s; first token of a 512-token prompt after ${decimal(r.timeToFirstTokenSeconds ?? 0, 2)} s`,
    formula: 'FLOPs = 2 × matrix parameters × prompt tokens + causal attention; weights read once per micro-batch of 512; time per device = max(bytes ÷ bandwidth, FLOPs ÷ peak) + per-layer cost',
    inputs: deviceInputs(device),
    source: `${METHOD_SPEED}, "Prefill and time to first token"`,
    notes: speedNotes(r),
  };
}

export function loadExplanation(r, storage) {
  return {
    title: 'Load time',
    value: `${decimal(r.loadSeconds, 1)} s`,
    formula: `file bytes ÷ sequential read rate = ${int(r.diskBytes)} B ÷ ${storage ? `${decimal(storage.readBytesPerSecond / 1e9, 2)} GB/s` : 'the storage rate'}`,
    inputs: [{ name: 'file', value: `${gb(r.diskBytes)} (${gib(r.diskBytes)})` }, ...(storage ? [{ name: storage.name, value: `${decimal(storage.readBytesPerSecond / 1e6, 0)} MB/s` }] : [])],
    source: `${METHOD_FIT}, "Disk and load time"${storage ? `; read rate: ${storage.source}` : ''}`,
  };
}

export function diskExplanation(r) {
  return {
    title: 'Disk',
    value: `${gb(r.diskBytes)} (${gib(r.diskBytes)})`,
    formula: r.engine === 'llama.cpp'
      ? "the GGUF file's bytes: tensor data aligned as in the file plus the header's tensor table (the tokenizer's few MB are not known from an architecture)"
      : "the checkpoint's tensors",
    inputs: [],
    source: `${METHOD_FIT}, "Disk and load time"`,
  };
}

export function maxContextExplanation(r) {
  return {
    title: 'Longest context that fits',
    value: `${int(r.maxContext)} tokens`,
    formula: r.engine === 'vllm'
      ? 'vLLM: the context its KV cache holds for one sequence'
      : "the longest context, in llama.cpp's 256-token steps up to the model's trained context, whose estimate still fits at this placement (-ngl, --n-cpu-moe fixed); found by regula falsi on the memory left free",
    inputs: usage(r),
    source: `${METHOD_FIT}, "Reverse answers"`,
  };
}

export function bestWeightsExplanation(r) {
  return {
    title: 'Best weights that fit entirely',
    value: r.bestWeights ?? 'none',
    formula: 'the first type of the quality ladder whose estimate fits entirely on the device(s) at this context',
    inputs: [{ name: 'ladder', value: r.engine === 'llama.cpp' ? 'F16, Q8_0, Q6_K, Q5_K_M, Q5_K_S, Q4_K_M, Q4_K_S, IQ4_XS, Q3_K_L, Q3_K_M, IQ3_M, Q3_K_S, IQ3_XXS, Q2_K, IQ2_M, IQ2_XS, IQ1_M' : r.engine === 'vllm' ? 'BF16, FP8, GPTQ-INT8, AWQ, GPTQ-INT4' : 'BF16, INT8, NF4' }],
    source: `${METHOD_FIT}, "Reverse answers" (llama.cpp's quantize tool lists its mixes in this order of perplexity)`,
  };
}

export function minDevicesExplanation(r) {
  return {
    title: `Fewest ${r.device.name} for the whole model`,
    value: r.minDevices == null ? 'more than 64' : String(r.minDevices),
    formula: r.engine === 'vllm' ? 'the smallest tensor-parallel size (1, 2, 4, 8, 16…) that fits' : 'the smallest count whose even layer split fits every device',
    inputs: [{ name: 'usable per device', value: gib(r.device.usableMemoryBytes) }],
    source: `${METHOD_FIT}, "Reverse answers"`,
  };
}

export function hostRamExplanation(r) {
  return {
    title: 'System RAM for the host side',
    value: `${gib(r.hostRamBytes)} (${gb(r.hostRamBytes)})`,
    formula: 'the CPU items of the same estimate: mapped or read weights of CPU layers, their KV cache, CPU compute buffer, logits',
    inputs: r.hostRam ? [{ name: 'with --mmap', value: gib(r.hostRam.withMmapBytes) }, { name: 'with --no-mmap', value: gib(r.hostRam.withoutMmapBytes) }] : [],
    source: `${METHOD_FIT}, "llama.cpp placement" step 5`,
  };
}
