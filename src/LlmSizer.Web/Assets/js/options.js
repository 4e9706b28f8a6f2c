// Choices the controls offer, per engine. They mirror the library: FitPlanner.QualityLadder (weights, best first),
// KvCacheType (cache types each engine accepts) and InferenceEstimator's defaults (Q4_K_M on llama.cpp, BF16 otherwise).

export const WEIGHTS = {
  'llama.cpp': ['F16', 'Q8_0', 'Q6_K', 'Q5_K_M', 'Q5_K_S', 'Q4_K_M', 'Q4_K_S', 'Q4_0', 'IQ4_XS', 'Q3_K_L', 'Q3_K_M', 'IQ3_M',
    'Q3_K_S', 'IQ3_XXS', 'Q2_K', 'IQ2_M', 'IQ2_XS', 'IQ1_M'],
  vllm: ['BF16', 'FP16', 'FP8', 'GPTQ-INT8', 'AWQ', 'GPTQ-INT4', 'NF4'],
  transformers: ['BF16', 'FP16', 'FP8', 'INT8', 'GPTQ-INT4', 'AWQ', 'NF4'],
};

export const DEFAULT_WEIGHTS = { 'llama.cpp': 'Q4_K_M', vllm: 'BF16', transformers: 'BF16' };

// transformers' DynamicCache keeps the model dtype, so it offers no choice.
export const KV_TYPES = {
  'llama.cpp': ['f16', 'bf16', 'q8_0', 'q5_1', 'q5_0', 'q4_1', 'q4_0', 'iq4_nl', 'f32'],
  vllm: ['auto', 'fp8'],
  transformers: [],
};

export const DEFAULT_KV = { 'llama.cpp': 'f16', vllm: 'auto', transformers: 'model dtype' };

/** System RAM sizes people have, GiB (a "64 GB" kit is 64 GiB). */
export const RAM_GIB = [8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 512];

/** Context lengths the slider steps through: each power of two from 512 and the quarter steps between, up to the model's maximum. */
export function contextSteps(max) {
  const steps = [];
  for (let p = 512; p <= max; p *= 2) {
    for (const f of [1, 1.25, 1.5, 1.75]) {
      const c = p * f;
      if (c <= max) steps.push(c);
    }
  }
  if (steps.at(-1) !== max) steps.push(max);
  return steps;
}

/** Training sequence lengths, tokens. */
export const SEQ_STEPS = [256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072];
export const LORA_RANKS = [4, 8, 16, 32, 64, 128, 256];
export const PARALLEL = [1, 2, 4, 8, 16];
export const GPU_COUNTS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];
