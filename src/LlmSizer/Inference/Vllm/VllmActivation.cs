using LlmSizer.Models;

namespace LlmSizer.Inference.Vllm;

/// <summary>
/// The parts of vLLM's profiling peak ("torch peak memory increase"), in bytes on one rank.
/// </summary>
/// <param name="Forward">The dummy forward pass over all batched tokens: tokens × per-token working set × dtype bytes.</param>
/// <param name="HiddenStates">The last hidden states and residual still held while the sampler runs: 2 × tokens × hidden × dtype bytes.</param>
/// <param name="Sampler">The dummy sampler run: sequences × vocabulary × (dtype bytes + 12).</param>
/// <param name="MoeWorkspace">Fused-MoE intermediate buffers kept for the largest batch; 0 for dense models.</param>
/// <param name="PerTokenElements">Elements per token in <see cref="Forward"/>.</param>
/// <param name="Tokens">max_num_batched_tokens, the dummy batch.</param>
/// <param name="Sequences">min(max_num_seqs, max_num_batched_tokens): the dummy requests, one sampled token each.</param>
public sealed record VllmActivationPeak(
    long Forward,
    long HiddenStates,
    long Sampler,
    long MoeWorkspace,
    long PerTokenElements,
    int Tokens,
    int Sequences)
{
    /// <summary>max(forward, hidden states + sampler) + MoE workspace.</summary>
    public long Bytes => Math.Max(Forward, HiddenStates + Sampler) + MoeWorkspace;
}

/// <summary>
/// A closed form for the activation peak of vLLM's profiling run (<c>GPUModelRunner.profile_run</c>): one dummy forward of
/// max_num_batched_tokens tokens split over min(max_num_seqs, tokens) requests, then the sampler on one token per request.
/// Fitted to the peaks vLLM v0.19 logs on an H100 ("torch peak memory increase", 8192 tokens, 1024 sequences): Llama-3.1-8B
/// 1.89 GiB (model −2.8%), Qwen2.5-7B 2.21 (−3.2%), Qwen3-8B 2.21 (−2.6%), CodeLlama-7B 0.77 (−2.1%), gemma-2-2b/9b/27b
/// 3.62–3.66 (−2.8 to −3.6%), phi-4 1.52 (−1.6%), Llama-3.3-70B TP2 1.96 (+0.1%), Qwen2.5-72B TP2 2.29 (−0.4%),
/// Qwen1.5-MoE-A2.7B 2.47 (+0.2%), Qwen3-30B-A3B 2.68 (−2.2%), DeepSeek-V2-Lite 1.93 (+3.8%), Mixtral-8x7B TP2 1.21 (+10%),
/// gpt-oss-20b TP2 2.87 (+12%, its MXFP4 expert kernels keep less).
/// </summary>
public static class VllmActivation
{
    /// <summary>Fitted bytes per logit element beyond the logits themselves (fp32 working copies of the sampler).</summary>
    public const int SamplerBytesPerLogit = 12;

    /// <summary>The peak for <paramref name="tokens"/> batched tokens and <paramref name="maxNumSeqs"/> sequences on one of <paramref name="tensorParallel"/> ranks.</summary>
    public static VllmActivationPeak ProfilePeak(ModelSpec spec, int tokens, int maxNumSeqs, int dtypeBytes, int tensorParallel)
    {
        int tp = tensorParallel;
        int sequences = Math.Min(maxNumSeqs, tokens);
        long h = spec.HiddenSize;
        long perToken = 4 * h + Math.Max(MlpElements(spec, tp), AttentionElements(spec, tp));
        long forward = tokens * perToken * dtypeBytes;
        long hidden = 2L * tokens * h * dtypeBytes;
        // Logits are gathered over the whole vocabulary on every rank, so this part does not shrink with tensor parallelism.
        long sampler = (long)sequences * spec.VocabSize * (dtypeBytes + SamplerBytesPerLogit);
        long moe = 0;
        if (spec.Moe is { } m)
        {
            long fe = m.ExpertFfnSize / tp;
            moe = (long)tokens * m.ExpertsPerToken * (2 * fe + fe + h) * dtypeBytes;
        }
        return new VllmActivationPeak(forward, hidden, sampler, moe, perToken, tokens, sequences);
    }

    /// <summary>
    /// MLP working set per token: gate/up output, activation and product (3 × ffn) for gated MLPs, 2 × ffn for plain ones,
    /// of the rank's shard; MoE models count their dense layers or shared experts here and the experts in the workspace.
    /// </summary>
    private static long MlpElements(ModelSpec spec, int tp)
    {
        int factor = spec.Mlp == MlpKind.Gated ? 3 : 2;
        long ffn = 0;
        if (spec.Moe is { } moe)
        {
            bool anyDense = Enumerable.Range(0, spec.Layers).Any(l => !spec.IsMoeLayer(l));
            if (anyDense)
                ffn = spec.FfnSize;
            if (moe.SharedExperts > 0)
                ffn = Math.Max(ffn, moe.SharedExperts * (moe.SharedExpertFfnSize ?? moe.ExpertFfnSize));
        }
        else
        {
            ffn = spec.FfnSize;
        }
        return factor * ffn / tp;
    }

    /// <summary>Attention working set per token: queries, keys, values and output of the rank's heads (MLA: the expanded keys and values).</summary>
    private static long AttentionElements(ModelSpec spec, int tp)
    {
        long heads = spec.AttentionHeads / tp;
        if (spec.Mla is { } mla)
        {
            long qk = mla.QkNopeHeadDim + mla.QkRopeHeadDim;
            return heads * (qk + (mla.QkNopeHeadDim + mla.VHeadDim) + qk + mla.VHeadDim);
        }
        long hd = spec.EffectiveHeadDim;
        return heads * hd * 2 + 2L * VllmWeights.KeyValueHeadsPerRank(spec, tp) * hd;
    }
}
