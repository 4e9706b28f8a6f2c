using LlmSizer.Errors;
using LlmSizer.Models;

namespace LlmSizer.Formats.Gguf;

/// <summary>
/// Turns GGUF metadata (the <c>{arch}.*</c> keys llama.cpp's converter writes) into a <see cref="ModelSpec"/>.
/// Sizes come from the metadata; what the metadata leaves unsaid (biases, norm kind, tied output, q/k norms, sinks,
/// router biases) comes from which tensors the file holds, so that the spec counts what the file stores.
/// Key names: llama.cpp gguf-py/gguf/constants.py; per-architecture rules: llama.cpp src/llama-model.cpp (docs/METHOD.md).
/// </summary>
internal static class GgufSpecMapping
{
    /// <summary>The <c>general.architecture</c> values mapped to a spec, as llama.cpp spells them.</summary>
    public static IReadOnlyList<string> SupportedArchitectures { get; } =
        ["llama", "qwen2", "qwen2moe", "qwen3", "qwen3moe", "gemma2", "gemma3", "phi3", "deepseek2", "gpt-oss", "gpt2", "falcon",
         "cohere2", "llama4", "qwen3next", "granitehybrid", "lfm2"];

    /// <summary>The spec, or null (with a note saying why) for an architecture this mapping does not know.</summary>
    public static ModelSpec? Map(GgufMetadata metadata, IReadOnlyDictionary<string, GgufTensor> tensors, List<string> notes)
    {
        string? arch = metadata.Architecture;
        if (arch is null)
        {
            notes.Add("no general.architecture in the metadata: parameters come from the tensors alone, and no architecture is mapped");
            return null;
        }
        if (!SupportedArchitectures.Contains(arch))
        {
            notes.Add($"architecture \"{arch}\" is not mapped to a model description (mapped: {string.Join(", ", SupportedArchitectures)}); parameters come from the tensors alone");
            return null;
        }
        var mapper = new Mapper(metadata, tensors, arch, notes);
        var spec = mapper.Build();
        try
        {
            ModelSpecValidator.Validate(spec);
            _ = ParameterCounter.Count(spec); // surfaces overflow from absurd but individually valid sizes
        }
        catch (ModelSpecException e)
        {
            throw mapper.KeyFor(e.Field) is { } key
                ? metadata.Error(key, e.Problem)
                : new InputException(metadata.SourceName, "metadata", e.Field == ParameterCounter.SizesField ? e.Problem : $"{e.Field}: {e.Problem}");
        }
        return spec;
    }

    private sealed class Mapper(GgufMetadata md, IReadOnlyDictionary<string, GgufTensor> tensors, string arch, List<string> notes)
    {
        /// <summary>ModelSpecValidator's field names (Hugging Face spellings) → the GGUF key each value came from.</summary>
        private readonly Dictionary<string, string> keys = new(StringComparer.Ordinal);

        public string? KeyFor(string field) => keys.GetValueOrDefault(field);

        private string K(string suffix) => $"{arch}.{suffix}";

        public ModelSpec Build()
        {
            int blocks = Int(K("block_count"), "num_hidden_layers", 1, ModelSpecValidator.MaxLayers)!.Value;
            // Qwen3-Next conversions append their multi-token-prediction layers as extra blocks (nextn_predict_layers).
            int nextn = arch == "qwen3next" ? Int(K("nextn_predict_layers"), "num_nextn_predict_layers", 0, blocks - 1, required: false) ?? 0 : 0;
            int layers = blocks - nextn;
            int hidden = Int(K("embedding_length"), "hidden_size", 1, ModelSpecValidator.MaxHidden)!.Value;
            int heads = (int)LayerMax(K("attention.head_count"), "num_attention_heads", layers, 1, ModelSpecValidator.MaxHeads, required: true)!.Value;
            var (kvHeads, kvPerLayer) = KeyValueHeads(layers);
            int? keyLength = Int(K("attention.key_length"), "head_dim", 1, ModelSpecValidator.MaxHidden, required: false);
            int? valueLength = Int(K("attention.value_length"), "v_head_dim", 1, ModelSpecValidator.MaxHidden, required: false);
            int experts = Int(K("expert_count"), "num_experts", 0, ModelSpecValidator.MaxExperts, required: false) ?? 0;
            long ffn = LayerMax(K("feed_forward_length"), "intermediate_size", layers, 0, ModelSpecValidator.MaxFfn, required: experts == 0) ?? 0;
            int context = Int(K("context_length"), "max_position_embeddings", 0, int.MaxValue, required: false) ?? 0;

            var spec = new ModelSpec
            {
                Architecture = arch,
                VocabSize = Vocabulary(),
                HiddenSize = hidden,
                Layers = layers,
                AttentionHeads = heads,
                KeyValueHeads = kvHeads ?? heads,
                KeyValueHeadsPerLayer = kvPerLayer,
                HeadDim = keyLength,
                FfnSize = ffn,
                Mlp = Gated() ? MlpKind.Gated : MlpKind.Plain,
                Activation = arch switch
                {
                    "gemma2" or "gemma3" => "gelu_pytorch_tanh",
                    "gpt2" => "gelu_new",
                    "falcon" => "gelu",
                    _ => "silu",
                },
                Biases = new BiasSpec
                {
                    Qkv = AnyBlock("attn_q.bias") || AnyBlock("attn_k.bias") || AnyBlock("attn_v.bias") || AnyBlock("attn_qkv.bias"),
                    AttentionOutput = AnyBlock("attn_output.bias"),
                    Mlp = AnyBlock("ffn_up.bias") || AnyBlock("ffn_down.bias") || AnyBlock("ffn_up_exps.bias") || AnyBlock("ffn_down_exps.bias"),
                    LmHead = Has("output.bias"),
                },
                // RMSNorm stores a weight; LayerNorm a weight and a bias: the bias tensors tell them apart. Cohere2's graph runs
                // a LayerNorm whose weight has no bias, which stores what an RMSNorm does.
                Norm = AnyBlock("attn_norm.bias") || Has("output_norm.bias") ? NormKind.LayerNorm
                    : arch == "cohere2" ? NormKind.LayerNormNoBias : NormKind.RmsNorm,
                NormsPerLayer = NormsPerLayer(),
                QkNorm = QkNorm(keyLength ?? hidden / heads, heads),
                // LFM2's final norm is stored as token_embd_norm (llama.cpp's LLM_TENSOR_OUTPUT_NORM_LFM2).
                FinalNorm = Has("output_norm.weight") || (arch == "lfm2" && Has("token_embd_norm.weight")),
                // llama.cpp's Falcon and Cohere2 graphs always run attention and MLP side by side on the same input.
                ParallelBlocks = arch is "falcon" or "cohere2",
                TiedEmbeddings = !Has("output.weight"),
                AttentionSinks = AnyBlock("attn_sinks.weight"),
                MaxContextTokens = context,
                SlidingWindow = SlidingWindow(layers),
            };
            if (tensors.GetValueOrDefault("position_embd.weight") is { Dimensions.Count: 2 } positions)
                spec = spec with { Positions = PositionEncoding.Learned, LearnedPositions = (int)Math.Min(positions.Dimensions[1], int.MaxValue) };
            if (experts > 0)
                spec = spec with { Moe = Moe(experts, layers, ffn) };
            if (arch == "deepseek2")
                spec = spec with { Mla = Mla(), KeyValueHeads = null, KeyValueHeadsPerLayer = null, HeadDim = null };
            if (arch == "granitehybrid")
                spec = GraniteHybrid(spec, layers);
            if (arch == "lfm2")
                spec = Lfm2(spec, layers);
            if (arch == "qwen3next")
                spec = spec with
                {
                    Recurrent = GatedDeltaNet(layers),
                    AttentionOutputGate = true,
                    // The converter writes the rotary width (partial_rotary_factor × head_dim) as rope.dimension_count.
                    RotaryDimensions = Int(K("rope.dimension_count"), "rotary dimensions (partial_rotary_factor × head_dim)", 1, ModelSpecValidator.MaxHidden, required: false)
                        is { } rope && rope < (keyLength ?? hidden / heads) ? rope : null,
                    MultiTokenPredictionLayers = nextn,
                    MultiTokenPredictionSharesHead = true,
                };
            else if (keyLength is { } k && valueLength is { } v && k != v)
                notes.Add($"{K("attention.value_length")} ({v}) differs from {K("attention.key_length")} ({k}); the spec uses one head size, {k}");

            ArchitectureNotes(spec);
            return spec with { Architecture = HuggingFaceName(spec) };
        }

        /// <summary>Rows of the token embedding: the tokenizer's token count, else <c>{arch}.vocab_size</c>, checked against token_embd.</summary>
        private long Vocabulary()
        {
            long? rows = tensors.GetValueOrDefault("token_embd.weight") is { Dimensions.Count: 2 } embd ? embd.Dimensions[1] : null;
            string key;
            long vocab;
            if (md.ArrayLength("tokenizer.ggml.tokens") is { } tokens)
                (key, vocab) = ("tokenizer.ggml.tokens", tokens);
            else if (md.Integer(K("vocab_size")) is { } size)
                (key, vocab) = (K("vocab_size"), size);
            else if (rows is { } r)
            {
                notes.Add($"no tokenizer.ggml.tokens or {K("vocab_size")}: the vocabulary is token_embd.weight's {r} rows");
                return r;
            }
            else
                throw md.Error("tokenizer.ggml.tokens", "expected the tokenizer's tokens (or a vocab_size, or a token_embd.weight tensor), found none");
            keys["vocab_size"] = key;
            if (rows is { } n && n != vocab)
            {
                notes.Add($"token_embd.weight has {n} rows but {key} gives {vocab}; the spec uses the {n} rows the file stores");
                return n;
            }
            return vocab;
        }

        private bool Gated() =>
            // Phi-3 fuses gate and up into one ffn_up of 2 × feed_forward_length rows.
            arch == "phi3" || AnyBlock("ffn_gate.weight") || AnyBlock("ffn_gate_exps.weight") || AnyBlock("ffn_gate_shexp.weight")
            || AnyBlock("ffn_gate.0.weight");

        /// <summary>Hidden-size norms in a layer: llama.cpp names them attn_norm, attn_norm_2, ffn_norm, post_attention_norm, post_ffw_norm.</summary>
        private int NormsPerLayer() =>
            new[] { "attn_norm", "attn_norm_2", "ffn_norm", "post_attention_norm", "post_ffw_norm" }.Count(n => Has($"blk.0.{n}.weight"));

        private QkNormKind QkNorm(int headDim, int heads)
        {
            if (FirstBlockTensor("attn_q_norm.weight") is not { } q)
                return QkNormKind.None;
            if (q.Elements == headDim)
                return QkNormKind.PerHead;
            if (q.Elements == (long)heads * headDim)
                return QkNormKind.FullWidth;
            notes.Add($"{q.Name} holds {q.Elements} values, neither one head ({headDim}) nor all heads ({(long)heads * headDim}); counted as one per head");
            return QkNormKind.PerHead;
        }

        private MoeSpec Moe(int experts, int layers, long ffn)
        {
            int used = Int(K("expert_used_count"), "num_experts_per_tok", 1, ModelSpecValidator.MaxExperts)!.Value;
            string expertKey = md.Contains(K("expert_feed_forward_length")) ? K("expert_feed_forward_length") : K("feed_forward_length");
            long expertFfn = md.Contains(K("expert_feed_forward_length"))
                ? Long(expertKey, "moe_intermediate_size", 1, ModelSpecValidator.MaxFfn)
                : ffn;
            keys["moe_intermediate_size"] = expertKey;
            int? sharedCount = Int(K("expert_shared_count"), "n_shared_experts", 0, ModelSpecValidator.MaxExperts, required: false);
            long? sharedFfn = md.Contains(K("expert_shared_feed_forward_length"))
                ? Long(K("expert_shared_feed_forward_length"), "shared_expert_intermediate_size", 1, ModelSpecValidator.MaxFfn)
                : null;
            int shared = sharedCount ?? (AnyBlock("ffn_up_shexp.weight") ? 1 : 0);
            int firstDense = Int(K("leading_dense_block_count"), "first_k_dense_replace", 0, layers, required: false) ?? 0;
            // Llama 4 interleaves: llama.cpp makes layer i MoE when (i + 1) is a multiple of interleave_moe_layer_step (required there).
            int step = arch == "llama4" ? Int(K("interleave_moe_layer_step"), "decoder_sparse_step", 1, layers)!.Value : 1;
            // Further dense layers (after the leading ones, and beside the interleaving) show as blocks without a router.
            int[] dense = !AnyBlock("ffn_gate_inp.weight") ? []
                : Enumerable.Range(firstDense, layers - firstDense)
                    .Where(i => (i + 1) % step == 0 && !Has($"blk.{i}.ffn_gate_inp.weight")).ToArray();
            if (dense.Length > 0)
                notes.Add($"layers {string.Join(", ", dense)} have no expert router and are counted as dense");
            return new MoeSpec
            {
                RoutedExperts = experts,
                ExpertsPerToken = used,
                ExpertFfnSize = expertFfn,
                SharedExperts = shared,
                SharedExpertFfnSize = shared > 0 ? sharedFfn : null,
                SharedExpertGate = AnyBlock("ffn_gate_inp_shexp.weight"),
                RouterBias = AnyBlock("ffn_gate_inp.bias"),
                RouterScoreCorrectionBias = AnyBlock("exp_probs_b.bias") || AnyBlock("exp_probs_b"),
                FirstDenseLayers = firstDense,
                LayerStep = step,
                DenseLayers = dense.Length > 0 ? dense : null,
            };
        }

        /// <summary>
        /// DeepSeek-V2/V3 multi-head latent attention. Files converted since llama.cpp's MLA rework say key_length 576
        /// (kv_lora_rank + rope) for the cached latent and give the per-head sizes as key_length_mla / value_length_mla;
        /// older files give them as key_length / value_length.
        /// </summary>
        private MlaSpec Mla()
        {
            int kvRank = Int(K("attention.kv_lora_rank"), "kv_lora_rank", 1, ModelSpecValidator.MaxHidden)!.Value;
            int? qRank = Int(K("attention.q_lora_rank"), "q_lora_rank", 0, ModelSpecValidator.MaxHidden, required: false);
            int rope = Int(K("rope.dimension_count"), "qk_rope_head_dim", 0, ModelSpecValidator.MaxHidden)!.Value;
            string keyKey = md.Contains(K("attention.key_length_mla")) ? K("attention.key_length_mla") : K("attention.key_length");
            string valueKey = md.Contains(K("attention.value_length_mla")) ? K("attention.value_length_mla") : K("attention.value_length");
            int qkHead = Int(keyKey, "qk_nope_head_dim", rope, ModelSpecValidator.MaxHidden)!.Value;
            int vHead = Int(valueKey, "v_head_dim", 1, ModelSpecValidator.MaxHidden)!.Value;
            int mtp = Int(K("nextn_predict_layers"), "num_nextn_predict_layers", 0, 64, required: false) ?? 0;
            if (mtp > 0)
                notes.Add($"{K("nextn_predict_layers")} is {mtp}: multi-token-prediction layers are not part of the mapped architecture");
            return new MlaSpec
            {
                // DeepSeek-V2-Lite projects queries directly: no q_lora_rank, or 0.
                QLoraRank = qRank is > 0 ? qRank : null,
                KvLoraRank = kvRank,
                QkNopeHeadDim = qkHead - rope,
                QkRopeHeadDim = rope,
                VHeadDim = vHead,
            };
        }

        /// <summary>
        /// Granite-4.0-H (llama.cpp src/models/granite-hybrid.cpp): a layer is Mamba-2 when its entry of the per-layer
        /// <c>attention.head_count_kv</c> is 0; the others attend with the nonzero count. <c>ssm.time_step_rank</c> is the number of
        /// heads, <c>ssm.inner_size</c> their total width, <c>ssm.group_count</c> and <c>ssm.state_size</c> the B/C groups; the
        /// convolution's bias and the projections' biases are whatever tensors the file holds. Granite-4.0-H uses no rotary
        /// embedding (<c>rope.scaling.finetuned</c> false), which stores nothing.
        /// </summary>
        private ModelSpec GraniteHybrid(ModelSpec spec, int layers)
        {
            var (pattern, kvHeads) = PatternFromKeyValueHeads(spec, layers);
            var ssm = SsmSizes(RecurrentKind.Mamba2, pattern);
            bool rope = md.Find(K("rope.scaling.finetuned")) is not { } finetuned || finetuned.AsBool != false;
            return spec with
            {
                KeyValueHeadsPerLayer = null,
                KeyValueHeads = kvHeads,
                Positions = rope ? PositionEncoding.Rotary : PositionEncoding.None,
                Recurrent = !pattern.Contains('M') ? null : ssm with
                {
                    ConvBias = AnyBlock("ssm_conv1d.bias"),
                    ProjectionBias = AnyBlock("ssm_in.bias") || AnyBlock("ssm_out.bias"),
                },
            };
        }

        /// <summary>
        /// The layer pattern of a hybrid whose recurrent layers have 0 in the per-layer <c>attention.head_count_kv</c> (granitehybrid,
        /// lfm2), and the KV heads of the attention layers (the largest, with a note when they differ).
        /// </summary>
        private (string Pattern, int KvHeads) PatternFromKeyValueHeads(ModelSpec spec, int layers)
        {
            var perLayer = spec.KeyValueHeadsPerLayer;
            string pattern = perLayer is null
                ? new string('*', layers)
                : new string(perLayer.Select(kv => kv == 0 ? 'M' : '*').ToArray());
            keys[ModelSpecValidator.LayerPatternField] = K("attention.head_count_kv");
            var attending = perLayer?.Where(kv => kv > 0).Distinct().ToList() ?? [];
            if (attending.Count > 1)
                notes.Add($"{K("attention.head_count_kv")} differs between attention layers; the spec uses {attending.Max()} for all of them");
            return (pattern, attending.Count > 0 ? attending.Max() : spec.KeyValueHeads ?? spec.AttentionHeads);
        }

        /// <summary>
        /// LFM2 (llama.cpp src/models/lfm2.cpp): a layer is a short convolution when its per-layer <c>attention.head_count_kv</c> is 0
        /// (<c>load_arch_hparams</c>), of <c>shortconv.l_cache</c> taps over the hidden size; the attention layers norm q and k per head.
        /// </summary>
        private ModelSpec Lfm2(ModelSpec spec, int layers)
        {
            var (pattern, kvHeads) = PatternFromKeyValueHeads(spec, layers);
            return spec with
            {
                KeyValueHeadsPerLayer = null,
                KeyValueHeads = kvHeads,
                Recurrent = !pattern.Contains('M') ? null : new RecurrentSpec
                {
                    Kind = RecurrentKind.ShortConv,
                    LayerPattern = pattern,
                    ConvKernel = Int(K("shortconv.l_cache"), ModelSpecValidator.ConvKernelField, 2, 1024)!.Value,
                    ConvBias = AnyBlock("shortconv.conv.bias"),
                    ProjectionBias = AnyBlock("shortconv.in_proj.bias") || AnyBlock("shortconv.out_proj.bias"),
                },
            };
        }

        /// <summary>
        /// Qwen3-Next's Gated DeltaNet layers (llama.cpp src/models/qwen3next.cpp <c>load_arch_hparams</c>): the converter stores the
        /// value heads as <c>ssm.time_step_rank</c>, their total width as <c>ssm.inner_size</c>, the key heads as <c>ssm.group_count</c>
        /// and the key head size as <c>ssm.state_size</c>. A layer is recurrent as <c>attention.recurrent_layers</c> says, else unless
        /// (i + 1) is a multiple of <c>full_attention_interval</c> (default 4).
        /// </summary>
        private RecurrentSpec GatedDeltaNet(int layers)
        {
            string pattern;
            if (md.Find(K("attention.recurrent_layers")) is { IsArray: true } flags)
            {
                if (flags.ElementType != GgufValueType.Bool || flags.Items is null || flags.Count < layers)
                    throw md.Error(K("attention.recurrent_layers"), $"expected at least {layers} bools, one per layer, found {flags}");
                pattern = new string(flags.Items.Take(layers).Select(v => v.AsBool!.Value ? 'M' : '*').ToArray());
                keys[ModelSpecValidator.LayerPatternField] = K("attention.recurrent_layers");
            }
            else
            {
                int period = Int(K("full_attention_interval"), ModelSpecValidator.LayerPatternField, 1, layers, required: false) ?? 4;
                pattern = RecurrentSpec.PeriodicPattern(layers, period);
            }
            return SsmSizes(RecurrentKind.GatedDeltaNet, pattern);
        }

        /// <summary>
        /// The sizes Mamba-2 and Gated DeltaNet layers share under <c>ssm.*</c>: heads (<c>time_step_rank</c>), their total width
        /// (<c>inner_size</c>, a multiple of the heads), the convolution's taps, the state size and the B/C (key) groups.
        /// </summary>
        private RecurrentSpec SsmSizes(RecurrentKind kind, string pattern)
        {
            int heads = Int(K("ssm.time_step_rank"), ModelSpecValidator.SsmHeadsField, 1, ModelSpecValidator.MaxHeads)!.Value;
            long inner = Long(K("ssm.inner_size"), ModelSpecValidator.SsmHeadDimField, 1, (long)ModelSpecValidator.MaxHidden * ModelSpecValidator.MaxHeads);
            if (inner % heads != 0)
                throw md.Error(K("ssm.inner_size"), $"expected a multiple of {K("ssm.time_step_rank")} ({heads}), found {inner}");
            return new RecurrentSpec
            {
                Kind = kind,
                LayerPattern = pattern,
                ConvKernel = Int(K("ssm.conv_kernel"), ModelSpecValidator.ConvKernelField, 1, 1024)!.Value,
                StateSize = Int(K("ssm.state_size"), ModelSpecValidator.SsmStateField, 1, ModelSpecValidator.MaxHidden)!.Value,
                Groups = Int(K("ssm.group_count"), ModelSpecValidator.SsmGroupsField, 1, ModelSpecValidator.MaxHeads)!.Value,
                Heads = heads,
                HeadDim = (int)(inner / heads),
            };
        }

        /// <summary>
        /// Which layers slide: every one unless the architecture interleaves global layers (llama.cpp: Gemma 2 and
        /// gpt-oss alternate, Cohere2 has three local then one global, Gemma 3 five local then one global) or the file says
        /// so in sliding_window_pattern. Cohere2 requires the window key; Llama 4 is chunked (<see cref="ChunkedWindow"/>).
        /// </summary>
        private SlidingWindowSpec? SlidingWindow(int layers)
        {
            if (arch == "llama4")
                return ChunkedWindow(layers);
            int window = Int(K("attention.sliding_window"), "sliding_window", 0, int.MaxValue, required: arch == "cohere2") ?? 0;
            if (window == 0)
                return null;
            int period = arch switch { "gemma2" or "gpt-oss" => 2, "cohere2" => 4, "gemma3" => 6, _ => 0 };
            return new SlidingWindowSpec { WindowTokens = window, GlobalLayerPeriod = PatternPeriod(layers, period) };
        }

        /// <summary>
        /// Llama 4 (llama.cpp's <c>llama4</c> loader): chunked attention with a chunk of 8192 tokens, hard-coded because the
        /// converter writes no key for it, on three layers of every four; an <c>attention.sliding_window</c> of 0 (MobileLLM
        /// conversions) turns it off, and any other value is ignored, as llama.cpp ignores it.
        /// </summary>
        private SlidingWindowSpec? ChunkedWindow(int layers)
        {
            const int chunk = 8192;
            if (Int(K("attention.sliding_window"), "sliding_window", 0, int.MaxValue, required: false) is { } key)
            {
                if (key == 0)
                    return null;
                if (key != chunk)
                    notes.Add($"{K("attention.sliding_window")} is {key}; llama.cpp uses a chunk of {chunk} tokens for llama4 whatever it says");
            }
            return new SlidingWindowSpec { WindowTokens = chunk, Chunked = true, GlobalLayerPeriod = PatternPeriod(layers, 4) };
        }

        /// <summary>The global-layer period: the architecture's, unless <c>attention.sliding_window_pattern</c> gives one.</summary>
        private int PatternPeriod(int layers, int period)
        {
            string patternKey = K("attention.sliding_window_pattern");
            if (md.Find(patternKey) is { } pattern)
            {
                keys["sliding window global-layer period"] = patternKey;
                period = pattern.IsArray ? PeriodOf(pattern, patternKey, layers) : (int)Long(patternKey, "sliding window global-layer period", 0, layers);
            }
            return period;
        }

        /// <summary>The global-layer period of a per-layer bool array (true = sliding), as llama.cpp writes for some models.</summary>
        private int PeriodOf(GgufValue pattern, string key, int layers)
        {
            if (pattern.ElementType != GgufValueType.Bool || pattern.Items is null)
                throw md.Error(key, $"expected an integer or an array of bools, found {pattern}");
            if (pattern.Count != layers)
                throw md.Error(key, $"expected one value per layer ({layers}), found {pattern.Count}");
            var sliding = pattern.Items.Select(v => v.AsBool!.Value).ToArray();
            int firstGlobal = Array.IndexOf(sliding, false);
            if (firstGlobal < 0)
                return 0;
            int period = firstGlobal + 1;
            if (!Enumerable.Range(0, layers).All(i => sliding[i] == ((i + 1) % period != 0)))
                notes.Add($"{key} is irregular; modelled as one global layer every {period}");
            return period;
        }

        private void ArchitectureNotes(ModelSpec spec)
        {
            if (arch == "phi3" && spec.SlidingWindow is not null)
                notes.Add("llama.cpp currently disables Phi-3's sliding window and caches the whole context");
            if (arch == "gpt2" && !spec.TiedEmbeddings)
                notes.Add("GPT-2 ties its output matrix to the token embedding, but this file stores output.weight as well; it is counted as stored");
        }

        /// <summary>The Hugging Face model_type the rest of LlmSizer knows the family by.</summary>
        private string HuggingFaceName(ModelSpec spec) => arch switch
        {
            "llama" => spec.Moe is not null ? "mixtral" : spec.SlidingWindow is not null ? "mistral" : "llama",
            "qwen2moe" => "qwen2_moe",
            "qwen3moe" => "qwen3_moe",
            "gemma3" => "gemma3_text",
            "deepseek2" => spec.Moe is { RouterScoreCorrectionBias: true } ? "deepseek_v3" : "deepseek_v2",
            "gpt-oss" => "gpt_oss",
            "llama4" => "llama4_text",
            "qwen3next" => "qwen3_next",
            "granitehybrid" => "granitemoehybrid",
            _ => arch,
        };

        private bool Has(string name) => tensors.ContainsKey(name);

        /// <summary>Whether any layer holds <c>blk.N.{suffix}</c>.</summary>
        private bool AnyBlock(string suffix) => FirstBlockTensor(suffix) is not null;

        private GgufTensor? FirstBlockTensor(string suffix) => BlockTensors.GetValueOrDefault(suffix);

        /// <summary>For each per-layer tensor name <c>blk.N.{suffix}</c>, the tensor of the lowest N, by suffix.</summary>
        private Dictionary<string, GgufTensor> BlockTensors => blockTensors ??= IndexBlocks();

        private Dictionary<string, GgufTensor>? blockTensors;

        private Dictionary<string, GgufTensor> IndexBlocks()
        {
            var bySuffix = new Dictionary<string, (int Block, GgufTensor Tensor)>(StringComparer.Ordinal);
            foreach (var (name, tensor) in tensors)
            {
                if (!name.StartsWith("blk.", StringComparison.Ordinal))
                    continue;
                int dot = name.IndexOf('.', 4);
                if (dot < 0 || !int.TryParse(name.AsSpan(4, dot - 4), out int block))
                    continue;
                string suffix = name[(dot + 1)..];
                if (!bySuffix.TryGetValue(suffix, out var seen) || block < seen.Block)
                    bySuffix[suffix] = (block, tensor);
            }
            return bySuffix.ToDictionary(e => e.Key, e => e.Value.Tensor, StringComparer.Ordinal);
        }

        private int? Int(string key, string field, int min, int max, bool required = true)
        {
            keys.TryAdd(field, key); // an absent optional key still names the field in the validator's messages
            return md.Contains(key) || required ? (int)Long(key, field, min, max) : null;
        }

        private long Long(string key, string field, long min, long max)
        {
            keys[field] = key;
            long value = md.Integer(key) ?? throw md.Error(key, "expected an integer, found none (llama.cpp requires it)");
            if (value < min || value > max)
                throw md.Error(key, min == 1 && value <= 0
                    ? $"expected a positive integer, found {value}"
                    : $"expected an integer from {min} to {max}, found {value}");
            return value;
        }

        /// <summary>
        /// <c>{arch}.attention.head_count_kv</c>: one integer, or one per layer (llama.cpp's loader accepts both and sizes each
        /// layer's attn_k/attn_v and KV cache from its own entry). Per-layer values that differ become
        /// <see cref="ModelSpec.KeyValueHeadsPerLayer"/> with the largest as the single count; equal ones are one count.
        /// </summary>
        private (int? Heads, int[]? PerLayer) KeyValueHeads(int layers)
        {
            string key = K("attention.head_count_kv");
            keys.TryAdd("num_key_value_heads", key);
            keys["keyValueHeadsPerLayer"] = key;
            if (md.Find(key) is not { IsArray: true })
                return ((int?)LayerMax(key, "num_key_value_heads", layers, 0, ModelSpecValidator.MaxHeads, required: false), null);
            keys["num_key_value_heads"] = key;
            var perLayer = md.IntegerArray(key)!;
            if (perLayer.Count != layers)
                throw md.Error(key, $"expected one value per layer ({layers}), found {perLayer.Count}");
            long largest = perLayer.Max(), smallest = perLayer.Min();
            // A layer may have no KV heads (0); at least one layer must have some.
            if (smallest < 0 || largest > ModelSpecValidator.MaxHeads || largest < 1)
                throw md.Error(key, $"expected per-layer integers from 0 to {ModelSpecValidator.MaxHeads}, not all 0, found {smallest} to {largest}");
            return smallest == largest
                ? ((int)largest, null)
                : ((int)largest, perLayer.Select(v => (int)v).ToArray());
        }

        /// <summary>
        /// A value that may be one integer or one per layer (llama.cpp accepts both for head counts and FFN sizes).
        /// Per layer, the spec takes the largest and a note says so, since <see cref="ModelSpec"/> has one value for all layers.
        /// </summary>
        private long? LayerMax(string key, string field, int layers, long scalarMin, long max, bool required)
        {
            keys.TryAdd(field, key);
            var value = md.Find(key);
            if (value is null || !value.IsArray)
                return value is null && !required ? null : Long(key, field, Math.Max(scalarMin, 1), max);
            keys[field] = key;
            var perLayer = md.IntegerArray(key)!;
            if (perLayer.Count != layers)
                throw md.Error(key, $"expected one value per layer ({layers}), found {perLayer.Count}");
            long largest = perLayer.Max(), smallest = perLayer.Min();
            // A layer may have no heads or no MLP (0); the largest sizes the spec.
            if (smallest < 0 || largest > max || largest < 1)
                throw md.Error(key, $"expected per-layer integers from 0 to {max}, not all 0, found {smallest} to {largest}");
            if (smallest != largest)
                notes.Add($"{key} differs by layer ({smallest} to {largest}); the spec uses {largest} for every layer");
            return largest;
        }
    }
}
