using LlmSizer.Models;

namespace LlmSizer.Inference.LlamaCpp;

/// <summary>
/// llama.cpp's compute buffer as a closed form. llama.cpp reserves it once (llama-context.cpp <c>sched_reserve</c>) by
/// allocating the worst-case graph — n_tokens = min(n_ctx, n_ubatch), every token an output, the whole KV cache visible —
/// with ggml's graph allocator (ggml-alloc.c), which reuses a tensor's memory once its last consumer has run. The buffer is
/// that allocator's high-water mark. It is reached in one of three phases of the graph, and this form takes the largest:
/// <list type="bullet">
/// <item><b>attention</b> of a layer: the graph inputs (token ids, positions, output ids, the KV write indices, the attention
/// mask: n_kv × n_tokens, F32 without flash attention, F16 with) plus, without flash attention, the scores
/// <c>KQ = 4·n_kv·n_tokens·heads</c> bytes (softmax runs in place) and the attention output; with flash attention the scores are
/// never materialised and only a few hidden-size activations remain;</item>
/// <item><b>MLP</b> of a layer: the inputs plus the gate and up projections and their product (3 × 4·n_ff·n_tokens for a gated
/// MLP, 2 × for a plain one; for experts the same per selected expert, plus the router's scores);</item>
/// <item><b>output</b>: the logits, 4·n_vocab·n_tokens, plus the final norm; the mask and the KV indices are free by then.</item>
/// </list>
/// The small hidden-size terms (how many n_embd × n_tokens activations are alive at each peak) were fitted to llama.cpp's own
/// measurements (docs/ACCURACY.md); the large terms are the tensors named above.
/// </summary>
internal static class LlamaCppCompute
{
    /// <summary>ggml-cuda's smallest batch it takes a CPU-resident operation over for (<c>offload_op</c>'s min_batch_size).</summary>
    private const int OpOffloadMinBatch = 32;

    /// <summary>One candidate peak: its bytes and the formula with numbers.</summary>
    public sealed record Phase(string Name, long Bytes, string Formula);

    /// <summary>A compute buffer: the largest phase, and all phases for the explanation.</summary>
    public sealed record Buffer(string Device, long Bytes, Phase Peak, IReadOnlyList<Phase> Phases, IReadOnlyList<EstimateInput> Inputs);

    /// <summary>The graph's input tensors for the worst-case batch, in bytes, and how they add up.</summary>
    private sealed record GraphInputs(long Bytes, long MaskBytes, string Formula);

    /// <summary>
    /// The compute buffers per device. <paramref name="hostMatrixBytes"/> is the largest weight matrix left in RAM under offload
    /// (<see cref="LlamaCppWeights.LargestHostMatrix"/>): with a micro-batch of 32 tokens or more the GPU buffer also holds a copy of it.
    /// </summary>
    public static IReadOnlyList<Buffer> Buffers(ModelSpec spec, LlamaCppSettings settings, IReadOnlyList<LlamaCppKvCache.Cache> caches,
        LlamaCppKvCache.Rows rows, long hostMatrixBytes, List<string> notes)
    {
        long t = settings.ReserveTokens;
        long h = spec.HiddenSize;
        var inputs = Inputs(settings, caches, rows, t);
        var family = Family(settings);

        long attentionCore;
        string attentionFormula;
        long kvMax = caches.Max(c => c.Cells);
        long heads = spec.AttentionHeads;
        long valueDim = spec.Mla is { } mla ? mla.KvLoraRank : spec.EffectiveHeadDim;
        if (!settings.FlashAttention)
        {
            long scores = checked(4 * kvMax * t * heads);
            long output = 4 * heads * valueDim * t;
            attentionCore = scores + output + family.AttentionHidden * h * t;
            attentionFormula = $"KQ 4 × {kvMax} cells × {t} tokens × {heads} heads = {scores:N0} + attention output 4 × {heads} × {valueDim} × {t} = {output:N0} + {family.AttentionHidden} × 4 × {h} × {t} activations";
        }
        else
        {
            // LFM2's graph (short convolutions beside attention) holds one activation fewer here, measured (docs/ACCURACY.md).
            long flashHidden = spec.Recurrent?.Kind == RecurrentKind.ShortConv ? family.FlashHidden - 4 : family.FlashHidden;
            attentionCore = flashHidden * h * t;
            attentionFormula = $"{flashHidden / 4} hidden-size activations 4 × {h} × {t} (flash attention keeps no score matrix)";
        }
        if (spec.AttentionOutputGate)
        {
            // Gated attention (Qwen3-Next): the query projection's output, twice the query width, and the gate copied out of it
            // stay alive until the attention output is multiplied by the gate.
            long gate = 12 * heads * spec.EffectiveHeadDim * t;
            attentionCore += gate;
            attentionFormula += $" + query and gate 3 × 4 × {heads} × {spec.EffectiveHeadDim} × {t} = {gate:N0}";
        }

        var (mlpCore, mlpFormula) = Mlp(spec, family, t, h);

        // Hybrid graphs keep more hidden-size activations alive beside the logits (the embedding input, the final norm, the
        // last layer's output, the output rows): with Gated DeltaNet or Mamba-2 layers five with flash attention, four without;
        // LFM2's two with flash attention (as attention-only graphs), three without. Measured (docs/ACCURACY.md).
        int outputHidden = spec.Recurrent switch
        {
            null => 2,
            { Kind: RecurrentKind.ShortConv } => settings.FlashAttention ? 2 : 3,
            _ => settings.FlashAttention ? 5 : 4,
        };
        long routerBytes = 0;
        if (spec.Architecture is "llama4" or "llama4_text" && spec.Moe is { } moe && spec.IsMoeLayer(spec.Layers - 1))
        {
            // Llama 4's last layer (src/models/llama4.cpp) runs the shared expert after the routed ones on the same normed
            // input, so that norm, the layer's input and the routed experts' output are still alive, with the router's
            // logits, probabilities and argsort below them, when the layer's output is placed; the final norm runs in place on
            // it and the logits go above: five hidden-size activations and three router-wide ones (ggml-alloc's trace of the
            // reserve graph; docs/ACCURACY.md).
            outputHidden = 5;
            routerBytes = 12L * moe.RoutedExperts * t;
        }
        long outputBytes = checked(4 * spec.VocabSize * t + 4 * outputHidden * h * t + routerBytes + 12 * t);
        var phases = new List<Phase>();
        if (spec.AttentionLayerCount > 0)
            phases.Add(new("attention", inputs.Bytes + attentionCore, $"inputs {inputs.Bytes:N0} + {attentionFormula}"));
        phases.Add(new("MLP", inputs.Bytes + mlpCore, $"inputs {inputs.Bytes:N0} + {mlpFormula}"));
        if (spec.Recurrent is { } recurrent)
            phases.AddRange(Recurrent(spec, recurrent, settings, inputs.Bytes, t, h));
        phases.Add(new("output", outputBytes, $"logits 4 × {spec.VocabSize} vocab × {t} tokens + {outputHidden} hidden-size activations 4 × {h} × {t}" +
            (routerBytes > 0 ? $" + router scores 3 × 4 × {spec.Moe!.RoutedExperts} experts × {t}" : "") + $" + ids 12 × {t}"));
        var peak = phases.MaxBy(p => p.Bytes)!;
        var common = new List<EstimateInput>
        {
            new("n_tokens (worst-case micro-batch)", $"{t}"),
            new("n_kv (cells the mask spans)", string.Join(" + ", caches.Select(c => $"{c.Cells}"))),
            new("inputs", inputs.Formula),
        };

        var buffers = new List<Buffer>();
        int gpuStart = settings.GpuStart(spec.Layers);
        if (settings.GpuLayers == 0)
        {
            buffers.Add(new Buffer("CPU", peak.Bytes, peak, phases, common));
            return buffers;
        }

        // With offload the graph runs on the GPU; the CPU keeps the token-embedding lookup (token_embd stays on the CPU) and
        // builds the inputs, whose host copies the GPU then reads. Layers left on the CPU run there, so their peak is host memory too.
        if (hostMatrixBytes > 0 && t >= OpOffloadMinBatch)
        {
            var copy = new Phase("weights copied for the GPU (op offload)", hostMatrixBytes,
                $"largest CPU-resident weight matrix {hostMatrixBytes:N0} bytes, copied into the GPU buffer to multiply batches of {OpOffloadMinBatch}+ tokens there");
            var total = new Phase($"{peak.Name} + op-offload copy", peak.Bytes + hostMatrixBytes, $"{peak.Formula} + {copy.Formula}");
            buffers.Add(new Buffer("GPU", total.Bytes, total, [.. phases, copy], common));
        }
        else
        {
            buffers.Add(new Buffer("GPU", peak.Bytes, peak, phases, common));
        }
        long hostInputs = 4 * h * t + 12 * t + inputs.MaskBytes * (settings.FlashAttention ? 2 : 1);
        var hostPhase = new Phase("host inputs", hostInputs,
            $"token embeddings 4 × {h} × {t} + ids 12 × {t} + the F32 attention mask{(caches.Count > 1 ? "s" : "")} built on the host");
        if (settings.CpuMoeLayers > 0 && gpuStart == 0)
        {
            // --n-cpu-moe: the CPU runs those layers' expert products, so it holds the MLP phase's tensors.
            var mlp = phases[1] with { Name = "MLP (experts on the CPU)" };
            var host = mlp.Bytes > hostInputs ? mlp : hostPhase;
            buffers.Add(new Buffer("CPU", host.Bytes, host, [hostPhase, mlp], common));
            notes.Add("experts on the CPU (--n-cpu-moe): the CPU compute buffer is modelled as the larger of the host inputs and the MLP phase's peak (not measured against llama.cpp)");
        }
        else if (gpuStart > 0)
        {
            var layerPeak = phases.Where(p => p.Name != "output").MaxBy(p => p.Bytes)!;
            var host = layerPeak.Bytes > hostInputs ? layerPeak with { Name = $"{layerPeak.Name} (layers on the CPU)" } : hostPhase;
            buffers.Add(new Buffer("CPU", host.Bytes, host, [hostPhase, layerPeak], common));
            notes.Add("partial offload: the CPU compute buffer is modelled as the larger of the host inputs and a layer's peak");
        }
        else
        {
            buffers.Add(new Buffer("CPU", hostInputs, hostPhase, [hostPhase], common));
        }
        return buffers;
    }

    private static GraphInputs Inputs(LlamaCppSettings settings, IReadOnlyList<LlamaCppKvCache.Cache> caches, LlamaCppKvCache.Rows rows, long t)
    {
        int maskBytes = settings.FlashAttention ? 2 : 4;
        long total = 12 * t; // token ids, positions, output ids: int32 each
        long masks = 0;
        var parts = new List<string> { $"ids 12 × {t}" };
        foreach (var c in caches)
        {
            long mask = checked(maskBytes * c.Cells * t);
            long kIdx = 8 * t;
            // Without flash attention V is stored transposed, so every element gets its own int64 write index.
            long vIdx = rows.ValueBytes == 0 ? 0 : 8 * t * (settings.FlashAttention ? 1 : rows.ValueWidth);
            total += mask + kIdx + vIdx;
            masks += mask;
            parts.Add($"mask {maskBytes} × {c.Cells} × {t} + KV indices {kIdx + vIdx:N0}");
        }
        return new GraphInputs(total, masks, $"{string.Join(" + ", parts)} = {total:N0} bytes");
    }

    /// <summary>
    /// The peaks inside a recurrent layer, from the graph of src/models/qwen3next.cpp and delta-net-base.cpp (Gated DeltaNet),
    /// read off ggml-alloc's live tensors at each high-water mark (docs/METHOD.md). Beside the graph inputs, the embedding input,
    /// the layer's input and its norm (3 hidden-size activations) stay alive throughout. Two candidates:
    /// <list type="bullet">
    /// <item><b>convolution</b>: the q/k/v projection (C channels per token), the convolution input (the cached kernel − 1
    /// columns per sequence followed by the tokens) and the convolution's output, with the state rows read from the cache;</item>
    /// <item><b>delta rule</b>: the convolution's output, the queries and keys repeated to the value heads when there are fewer
    /// key heads, the fused delta-rule output (value heads × value size per token, then the new state) and the old state,
    /// β and the gate.</item>
    /// </list>
    /// </summary>
    private static IEnumerable<Phase> Recurrent(ModelSpec spec, RecurrentSpec r, LlamaCppSettings settings, long inputs, long t, long h)
    {
        long s = settings.Sequences;
        long c = r.ConvChannels(spec.HiddenSize);
        long state = 4L * r.SsmStateValues * s;
        long convCache = 4L * (r.ConvKernel - 1) * c * s;
        if (r.Kind == RecurrentKind.Mamba2)
        {
            // Mamba-2 (mamba-base.cpp build_mamba2_layer): the one input projection z|x|B|C|dt stays alive (z is a view of it
            // until the gated norm) while the convolution's input and output exist, and then while the scan's input (the
            // convolved x|B|C and its SiLU) and a copy of z or x are. The state is read only by the scan, in place.
            long projection = 2 * r.InnerSize + 2L * r.Groups * r.StateSize + r.Heads;
            long mamba = checked(inputs + 4 * t * (5 * h + projection + 2 * c) + convCache);
            yield return new("recurrent convolution", mamba,
                $"inputs {inputs:N0} + 4 × {t} tokens × (5 hidden {h} + input projection {projection} + conv input and output 2 × {c} channels) + cached columns 4 × {r.ConvKernel - 1} × {c} × {s}");
            long scan = checked(inputs + 4 * t * (3 * h + projection + 2 * c + r.InnerSize) + state);
            yield return new("recurrent scan", scan,
                $"inputs {inputs:N0} + 4 × {t} tokens × (3 hidden {h} + input projection {projection} + convolved x|B|C and the space it leaves 2 × {c} + scan output {r.InnerSize}) + final state {state:N0}");
            yield break;
        }
        long conv = checked(inputs + 4 * t * (3 * h + 3 * c) + convCache + state);
        yield return new("recurrent convolution", conv,
            $"inputs {inputs:N0} + 4 × {t} tokens × (3 hidden {h} + projection, conv input and conv output 3 × {c} channels) + cached columns 4 × {r.ConvKernel - 1} × {c} × {s} + state {state:N0}");
        if (r.Kind != RecurrentKind.GatedDeltaNet)
            yield break;
        long headValues = (long)r.Heads * r.StateSize;
        long repeated = r.Groups != r.Heads ? 2 * headValues : 0;
        long delta = checked(inputs + 4 * t * (3 * h + c + repeated + r.InnerSize + 2L * r.Heads) + 2 * state);
        yield return new("delta rule", delta,
            $"inputs {inputs:N0} + 4 × {t} tokens × (3 hidden {h} + conv output {c}" + (repeated > 0 ? $" + q and k repeated to the value heads 2 × {headValues}" : "") +
            $" + output {r.InnerSize} + β and gate 2 × {r.Heads}) + old and new state 2 × {state:N0}");
    }

    private static (long Bytes, string Formula) Mlp(ModelSpec spec, FamilyTerms family, long t, long h)
    {
        if (spec.Moe is { } moe)
        {
            // The selected experts' gate, up and product per token; the router's scores (4 × experts per token) and the
            // weighted expert outputs fit into memory freed earlier and do not raise the measured peak.
            long k = moe.ExpertsPerToken, fe = moe.ExpertFfnSize;
            long experts = checked(12 * fe * k * t);
            long shared = moe.SharedExperts > 0 ? 12 * (moe.SharedExpertFfnSize ?? fe) * moe.SharedExperts * t : 0;
            if (spec.Recurrent is not null && shared > 0)
            {
                // Qwen3-Next's graph runs the shared expert after the routed ones have been summed, so only the routed
                // experts' output (one hidden-size activation) overlaps it.
                long routed = experts + family.MlpHidden * h * t, sharedPhase = shared + (family.MlpHidden + 4) * h * t;
                return routed >= sharedPhase
                    ? (routed, $"selected experts' gate, up and product 3 × 4 × {fe} × {k} used × {t} + {family.MlpHidden / 4} × 4 × {h} × {t} activations (the shared expert runs after them)")
                    : (sharedPhase, $"shared expert's gate, up and product {shared:N0} + {family.MlpHidden / 4 + 1} × 4 × {h} × {t} activations (after the routed experts)");
            }
            long dense = Enumerable.Range(0, spec.Layers).Any(l => !spec.IsMoeLayer(l)) ? 12 * spec.FfnSize * t : 0;
            long moeBytes = experts + shared + family.MlpHidden * h * t;
            long denseBytes = dense + family.MlpHidden * h * t;
            return moeBytes >= denseBytes
                ? (moeBytes, $"selected experts' gate, up and product 3 × 4 × {fe} × {k} used × {t}{(shared > 0 ? $" + shared experts {shared:N0}" : "")} + {family.MlpHidden / 4} × 4 × {h} × {t} activations")
                : (denseBytes, $"dense layers' MLP 3 × 4 × {spec.FfnSize} × {t} + {family.MlpHidden / 4} × 4 × {h} × {t} activations");
        }
        int matrices = spec.Mlp == MlpKind.Gated ? 3 : 2;
        long core = checked(4L * matrices * spec.FfnSize * t);
        return (core + family.MlpHidden * h * t,
            $"{(matrices == 3 ? "gate, up and their product" : "up and its activation")} {matrices} × 4 × {spec.FfnSize} × {t} + {family.MlpHidden / 4} × 4 × {h} × {t} activations");
    }

    /// <summary>
    /// Bytes per (hidden size × token) alive beside the large tensors at each peak, fitted to llama.cpp's measured buffers
    /// (multiples of 4: one F32 activation of n_embd × n_tokens is 4 bytes per element). Without flash attention the attention
    /// peak and the MLP peak each hold four such activations (16 bytes) — three (12) when the K cache is block-quantized, whose
    /// graph lays its tensors out differently; with flash attention the attention phase holds about eight (32).
    /// </summary>
    private sealed record FamilyTerms(long AttentionHidden, long FlashHidden, long MlpHidden);

    private static FamilyTerms Family(LlamaCppSettings settings) =>
        settings.KeyType.IsQuantized ? new(12, 32, 12) : new(16, 32, 16);
}
