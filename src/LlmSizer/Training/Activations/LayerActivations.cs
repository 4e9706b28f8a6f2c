using LlmSizer.Models;
using static System.FormattableString;

namespace LlmSizer.Training.Activations;

/// <summary>
/// The tensors one decoder layer saves for its backward pass, per GPU and micro-batch, for a modern pre-norm block as
/// transformers and Megatron build it (no dropout). docs/training-activations.md states every rule and its source.
/// </summary>
internal static class LayerActivations
{
    private const string NormSource = "transformers RMSNorm upcasts its input to fp32; llm-analysis counts fp32 norms";
    private const string ProjectionSource = "a linear saves its input when its weight or an adapter trains (Korthikanti 2022 §4.1: QKV and MLP inputs)";
    private const string FlashSource = "FlashAttention-2 backward reads q, k, v, out and the fp32 logsumexp";
    private const string EagerSource = "transformers eager_attention_forward: fp32 softmax, cast back, repeat_kv for GQA";
    private const string MlpSource = "transformers LlamaMLP down(act(gate(x)) * up(x)): act, mul and down save their inputs";

    /// <summary>What layer <paramref name="layer"/> (0-based) keeps under <paramref name="recompute"/> (None or Selective).</summary>
    public static List<SavedTensor> Saved(ModelSpec spec, int layer, ActivationShape x, Recomputation recompute)
    {
        var saved = new List<SavedTensor>();
        long h = spec.HiddenSize;
        saved.Add(x.Replicated("norm inputs (fp32)", Invariant($"{spec.NormsPerLayer} norms × {x.TokensText} × h {h}"),
            checked(spec.NormsPerLayer * x.Tokens * h), 4, NormSource));

        bool hasMlp = spec.HasMlpAt(layer);
        bool moe = hasMlp && spec.IsMoeLayer(layer);
        bool mlpInputSaved = hasMlp && (moe ? MoeInputSaved(spec, x) : x.Trains("up") || (spec.Mlp == MlpKind.Gated && x.Trains("gate")));
        // A single-norm parallel block (GPT-J, Falcon-7B) feeds one tensor to attention and the MLP: saved once.
        bool sharedInput = spec.ParallelBlocks && spec.NormsPerLayer == 1 && spec.IsAttentionLayer(layer) && hasMlp;

        switch (spec.Recurrent?.MixerAt(layer) ?? LayerMixer.Attention)
        {
            case LayerMixer.Attention when spec.Mla is { } mla:
                AddLatentAttention(saved, spec, mla, x, recompute, sharedInput && mlpInputSaved);
                break;
            case LayerMixer.Attention:
                AddAttention(saved, spec, layer, x, recompute, sharedInput && mlpInputSaved);
                break;
            case LayerMixer.Recurrent:
                AddRecurrent(saved, spec, spec.Recurrent!, x);
                break;
        }

        if (hasMlp)
        {
            if (mlpInputSaved && !sharedInput)
                saved.Add(x.Replicated("MLP: input", Invariant($"{x.TokensText} × h {h}"), checked(x.Tokens * h), x.Bytes, ProjectionSource));
            if (moe)
                AddMoe(saved, spec, spec.Moe!, x);
            else
                AddMlpIntermediates(saved, "MLP: intermediates", spec, spec.FfnSize, 1, "", x);
        }

        long adaptedPasses = AdaptedTokenPasses(spec, layer, x);
        if (adaptedPasses > 0)
            saved.Add(x.Replicated("LoRA: rank-r intermediates", Invariant($"{adaptedPasses} adapted passes × {x.TokensText} × r {x.Settings.LoraRank}"),
                checked(adaptedPasses * x.Tokens * x.Settings.LoraRank), x.Bytes, "PEFT LoRA: lora_B saves lora_A's output (lora_dropout 0)"));
        return saved;
    }

    private static void AddAttention(List<SavedTensor> saved, ModelSpec spec, int layer, ActivationShape x, Recomputation recompute, bool inputSharedWithMlp)
    {
        long h = spec.HiddenSize, d = spec.EffectiveHeadDim;
        int e = x.Bytes;
        var (a, aText) = x.PerRank("a", spec.AttentionHeads);
        var (kv, kvText) = x.PerRank("kv", spec.KeyValueHeadsAt(layer));
        bool core = recompute != Recomputation.Selective;
        bool eager = x.Settings.Attention == AttentionKernel.Eager;

        if (x.Trains("q") || x.Trains("k") || x.Trains("v") || inputSharedWithMlp)
            saved.Add(x.Replicated("attention: projection input", Invariant($"{x.TokensText} × h {h}") + (inputSharedWithMlp ? " (shared with the MLP)" : ""),
                checked(x.Tokens * h), e, ProjectionSource));

        if (spec.QkNorm != QkNormKind.None)
            saved.Add(x.Whole("attention: q/k norm inputs (fp32)", Invariant($"{x.TokensText} × ({aText} + {kvText}) × d {d}"),
                checked(x.Tokens * (a + kv) * d), 4, NormSource));

        // Eager attention repeats K and V up to the query heads (repeat_kv copies) before its matmuls save them; a recomputed
        // core keeps only its inputs, the un-repeated K and V.
        if (eager && core && kv > 0 && kv != a)
            saved.Add(x.Whole("attention: Q, K, V", Invariant($"{x.TokensText} × ({aText} + 2 × {aText} repeated from {kvText}) × d {d}"),
                checked(x.Tokens * 3 * a * d), e, EagerSource));
        else
            saved.Add(x.Whole("attention: Q, K, V", Invariant($"{x.TokensText} × ({aText} + 2 × {kvText}) × d {d}"),
                checked(x.Tokens * (a + 2 * kv) * d), e, eager ? EagerSource : FlashSource));

        AddAttentionCore(saved, spec, x, recompute, a, aText, d);
    }

    /// <summary>The attention output (o_proj's input), the output gate, and the core's own saves: logsumexp or scores.</summary>
    private static void AddAttentionCore(List<SavedTensor> saved, ModelSpec spec, ActivationShape x, Recomputation recompute,
        long a, string aText, long vDim)
    {
        long s = x.SequenceTokens;
        int e = x.Bytes;
        bool core = recompute != Recomputation.Selective;
        bool flash = x.Settings.Attention == AttentionKernel.Flash;
        bool gate = spec.AttentionOutputGate;
        string width = Invariant($"{x.TokensText} × {aText} × d_v {vDim}");
        long elements = checked(x.Tokens * a * vDim);

        // Without a gate the output is o_proj's input; FlashAttention keeps it too. With a gate, output × sigmoid(gate) saves both
        // factors and o_proj saves the product.
        if ((flash && core) || gate || x.Trains("o"))
            saved.Add(x.Whole("attention: output", width, elements, e, flash && core ? FlashSource : ProjectionSource));
        if (gate)
            saved.Add(x.Whole("attention: output gate", (x.Trains("o") ? "2 (sigmoid gate, gated output) × " : "sigmoid gate ") + width,
                checked((x.Trains("o") ? 2 : 1) * elements), e, "Qwen3-Next attn_output_gate: output × sigmoid(gate) before o_proj"));

        if (!core)
            return;
        if (flash)
            saved.Add(x.Whole("attention: softmax logsumexp (fp32)", Invariant($"{x.TokensText} × {aText}"), checked(x.Tokens * a), 4, FlashSource));
        else
        {
            // fp32 softmax output, plus its cast to e bytes (the same tensor when e is 4).
            int bytes = e == 4 ? 4 : 4 + e;
            saved.Add(x.Whole("attention: scores (fp32 softmax + e-byte copy)", Invariant($"b {x.MicroBatch} × {aText} × s {s} × s {s}"),
                checked(x.MicroBatch * a * s * s), bytes, EagerSource + "; Korthikanti 2022 §4.1 (5as²b)"));
        }
    }

    /// <summary>
    /// DeepSeek multi-head latent attention as transformers builds it: the compressed query and key/value latents (each
    /// RMS-normed, so saved in fp32 and, as the up-projection's input, in e bytes), then per-head Q and K of nope + rope dims
    /// and V of the value dim.
    /// </summary>
    private static void AddLatentAttention(List<SavedTensor> saved, ModelSpec spec, MlaSpec mla, ActivationShape x, Recomputation recompute, bool inputSharedWithMlp)
    {
        long h = spec.HiddenSize, qk = mla.QkNopeHeadDim + mla.QkRopeHeadDim;
        int e = x.Bytes;
        var (a, aText) = x.PerRank("a", spec.AttentionHeads);
        bool q = x.Trains("q"), kv = x.Trains("k") || x.Trains("v");
        const string source = "transformers DeepseekV3Attention: q_a/kv_a latents, RMSNorm, q_b/kv_b up-projections";

        if (q || kv || inputSharedWithMlp)
            saved.Add(x.Replicated("attention: projection input", Invariant($"{x.TokensText} × h {h}"), checked(x.Tokens * h), e, ProjectionSource));

        long latentNormWidth = mla.KvLoraRank + (mla.QLoraRank ?? 0);
        saved.Add(x.Replicated("MLA: latent norm inputs (fp32)",
            Invariant($"{x.TokensText} × (") + (mla.QLoraRank is { } qr ? Invariant($"q_lora {qr} + ") : "") + Invariant($"kv_lora {mla.KvLoraRank})"),
            checked(x.Tokens * latentNormWidth), 4, source));
        long upInputs = (kv ? mla.KvLoraRank : 0) + (q && mla.QLoraRank is { } r ? r : 0);
        if (upInputs > 0)
            saved.Add(x.Replicated("MLA: normed latents (up-projection inputs)", Invariant($"{x.TokensText} × {upInputs}"), checked(x.Tokens * upInputs), e, source));

        saved.Add(x.Whole("attention: Q, K, V", Invariant($"{x.TokensText} × {aText} × (2 × qk {qk} + v {mla.VHeadDim})"),
            checked(x.Tokens * a * (2 * qk + mla.VHeadDim)), e, source));
        AddAttentionCore(saved, spec, x, recompute, a, aText, mla.VHeadDim);
    }

    /// <summary>
    /// A recurrent mixer (Mamba-2, Gated DeltaNet, short convolution), approximated by the tensors around its scan: the input
    /// projection's input and output, the convolution's output and the output projection's input. The scan's own saved
    /// state (per-chunk states) is not counted.
    /// </summary>
    private static void AddRecurrent(List<SavedTensor> saved, ModelSpec spec, RecurrentSpec r, ActivationShape x)
    {
        long h = spec.HiddenSize, inner = r.InnerSize, bc = 2L * r.Groups * r.StateSize;
        long inWidth = r.Kind switch
        {
            RecurrentKind.GatedDeltaNet => bc + 2 * inner + 2L * r.Heads,
            RecurrentKind.Mamba2 => 2 * inner + bc + r.Heads,
            _ => 3 * h,
        };
        long outInput = r.Kind == RecurrentKind.ShortConv ? h : inner;
        bool projections = !x.IsLora;   // LoRA's names do not cover recurrent projections: they stay frozen
        if (projections)
            saved.Add(x.Replicated("recurrent: in_proj input", Invariant($"{x.TokensText} × h {h}"), checked(x.Tokens * h), x.Bytes, ProjectionSource));
        var (inPer, inText) = x.PerRank("in_proj out", inWidth);
        var (convPer, convText) = x.PerRank("conv", r.ConvChannels(spec.HiddenSize));
        var (outPer, outText) = x.PerRank("out_proj in", outInput);
        long width = checked(inPer + convPer + (projections ? outPer : 0));
        saved.Add(x.Whole("recurrent: mixer tensors (approximation)",
            Invariant($"{x.TokensText} × ({inText} + {convText}") + (projections ? $" + {outText})" : ")"),
            checked(x.Tokens * width), x.Bytes, "approximation: projection outputs and inner-width tensors, scan state not counted"));
    }

    private static bool MoeInputSaved(ModelSpec spec, ActivationShape x) =>
        !x.IsLora || (spec.Moe!.SharedExperts > 0 && (x.Trains("up") || (spec.Mlp == MlpKind.Gated && x.Trains("gate"))));

    /// <summary>
    /// Dropless top-k routing as transformers runs it: fp32 router softmax, each routed token's gathered copy (saved when the
    /// experts' gate/up train) and its expert output scaled by the routing weight (saved by that multiply), the experts'
    /// intermediates over k · s · b token passes, and shared experts over every token.
    /// </summary>
    private static void AddMoe(List<SavedTensor> saved, ModelSpec spec, MoeSpec moe, ActivationShape x)
    {
        long h = spec.HiddenSize, k = moe.ExpertsPerToken;
        const string source = "transformers Mixtral/Qwen-MoE blocks: softmax(router, fp32), hidden[top_x], expert(x) * routing weight";
        saved.Add(x.Replicated("MoE: router probabilities (fp32)", Invariant($"{x.TokensText} × experts {moe.RoutedExperts}"),
            checked(x.Tokens * moe.RoutedExperts), 4, source));
        bool gatheredSaved = x.Trains("up") || (spec.Mlp == MlpKind.Gated && x.Trains("gate"));
        int copies = gatheredSaved ? 2 : 1;
        saved.Add(x.Replicated("MoE: routed token inputs and weighted outputs",
            Invariant($"{copies} × k {k} × {x.TokensText} × h {h}"), checked(copies * k * x.Tokens * h), x.Bytes, source));
        AddMlpIntermediates(saved, "MoE: routed expert intermediates", spec, moe.ExpertFfnSize, k, Invariant($"k {k} × "), x);
        if (moe.SharedExperts > 0)
        {
            AddMlpIntermediates(saved, "MoE: shared expert intermediates", spec, moe.SharedExpertFfnSize ?? moe.ExpertFfnSize, moe.SharedExperts,
                Invariant($"{moe.SharedExperts} shared × "), x);
            if (moe.SharedExpertGate)
                saved.Add(x.Replicated("MoE: gated shared-expert output", Invariant($"{x.TokensText} × h {h}"), checked(x.Tokens * h), x.Bytes,
                    "transformers Qwen2-MoE: sigmoid(shared_expert_gate(x)) * shared_expert(x)"));
        }
    }

    /// <summary>
    /// Gated MLP: the gate output (activation input), the activation output and the up output (both saved by their multiply)
    /// always, down's input when down trains. Plain MLP: the up output (activation input) always, down's input when down trains.
    /// </summary>
    private static void AddMlpIntermediates(List<SavedTensor> saved, string term, ModelSpec spec, long ffn, long passes, string passesText, ActivationShape x)
    {
        var (f, fText) = x.PerRank("f", ffn);
        bool gated = spec.Mlp == MlpKind.Gated;
        int tensors = (gated ? 3 : 1) + (x.Trains("down") ? 1 : 0);
        string which = gated ? (x.Trains("down") ? "gate, act, up, down input" : "gate, act, up") : (x.Trains("down") ? "up, down input" : "up");
        saved.Add(x.Whole(term, Invariant($"{tensors} ({which}) × {passesText}{x.TokensText} × {fText}"),
            checked(tensors * passes * x.Tokens * f), x.Bytes, MlpSource));
    }

    /// <summary>Token passes through adapted linears in this layer: each saves a rank-r intermediate per token.</summary>
    private static long AdaptedTokenPasses(ModelSpec spec, int layer, ActivationShape x)
    {
        if (!x.IsLora)
            return 0;
        long passes = 0;
        if (spec.IsAttentionLayer(layer))
        {
            if (spec.Mla is { } mla)
                passes += (x.Adapted("q") ? (mla.QLoraRank is null ? 1 : 2) : 0) + (x.Adapted("k") || x.Adapted("v") ? 2 : 0);
            else
                passes += (x.Adapted("q") ? 1 : 0) + (spec.KeyValueHeadsAt(layer) > 0 ? (x.Adapted("k") ? 1 : 0) + (x.Adapted("v") ? 1 : 0) : 0);
            passes += x.Adapted("o") ? 1 : 0;
        }
        if (spec.HasMlpAt(layer))
        {
            int mlpModules = (spec.Mlp == MlpKind.Gated && x.Adapted("gate") ? 1 : 0) + (x.Adapted("up") ? 1 : 0) + (x.Adapted("down") ? 1 : 0);
            long streams = spec.IsMoeLayer(layer) ? spec.Moe!.ExpertsPerToken + spec.Moe.SharedExperts : 1;
            passes += mlpModules * streams;
        }
        return passes;
    }
}
