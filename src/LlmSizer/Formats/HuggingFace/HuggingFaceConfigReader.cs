using System.Text.Json;
using LlmSizer.Errors;
using LlmSizer.Models;
using LlmSizer.Serialization;

namespace LlmSizer.Formats.HuggingFace;

/// <summary>
/// Turns a Hugging Face <c>config.json</c> into a <see cref="ModelSpec"/>, dispatching on <c>model_type</c>.
/// Field names and per-family defaults follow the transformers configuration classes (docs/METHOD.md).
/// </summary>
public static class HuggingFaceConfigReader
{
    /// <summary>The <c>model_type</c> values this reader understands.</summary>
    public static IReadOnlyList<string> SupportedModelTypes { get; } =
    [
        "llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe", "gemma", "gemma2", "gemma3",
        "gemma3_text", "phi3", "gpt2", "gptj", "gpt_neox", "falcon", "opt", "bloom", "olmo", "olmo2",
        "deepseek_v2", "deepseek_v3", "gpt_oss", "cohere2", "llama4", "llama4_text", "qwen3_next", "granitemoehybrid", "lfm2",
    ];

    /// <summary>Largest config.json accepted; real ones are a few KB.</summary>
    public const long MaxConfigBytes = 4 * 1024 * 1024;

    /// <summary>Reads <paramref name="path"/> (a config.json file, or a folder holding one).</summary>
    public static HuggingFaceConfig ReadFile(string path)
    {
        if (Directory.Exists(path))
        {
            string inFolder = Path.Combine(path, "config.json");
            if (!File.Exists(inFolder))
                throw new InputException(path, "folder", "expected a folder holding config.json, found none in it");
            path = inFolder;
        }
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new InputException(path, "file", "expected a config.json file, found nothing at this path");
        if (info.Length > MaxConfigBytes)
            throw new InputException(path, "file", $"expected a config.json of at most {MaxConfigBytes} bytes, found {info.Length} bytes");
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses config.json bytes; <paramref name="sourceName"/> names the source in errors.</summary>
    public static HuggingFaceConfig Parse(ReadOnlySpan<byte> json, string sourceName)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new InputException(sourceName, $"line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}",
                "expected valid JSON, found a syntax error");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new InputException(sourceName, "root", $"expected a JSON object, found {Describe(doc.RootElement.ValueKind)}");
            JsonStrings.RequireDecodable(doc.RootElement, sourceName);
            try
            {
                var notes = new List<string>();
                var root = new JsonFields(doc.RootElement);
                var spec = Read(root, notes);
                ModelSpecValidator.Validate(spec);
                _ = ParameterCounter.Count(spec); // surfaces overflow from absurd but individually valid sizes
                return new HuggingFaceConfig(spec, root.String("torch_dtype") ?? root.String("dtype"), notes);
            }
            catch (ModelSpecException e)
            {
                throw new InputException(sourceName, e.Field == ParameterCounter.SizesField ? e.Field : $"field '{e.Field}'", e.Problem);
            }
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    /// <summary>
    /// The first of <paramref name="names"/> the config sets, else the first name (so a missing field is reported
    /// under its canonical spelling). Older families accept aliases through transformers' <c>attribute_map</c>
    /// (BLOOM's hub configs say <c>n_embed</c> and <c>num_attention_heads</c>, not <c>hidden_size</c> and <c>n_head</c>).
    /// </summary>
    private static string Pick(JsonFields c, params string[] names) => names.FirstOrDefault(c.Has) ?? names[0];

    private static ModelSpec Read(JsonFields c, List<string> notes)
    {
        string type = c.String("model_type")
            ?? throw new ModelSpecException("model_type", $"required field is missing; supported: {string.Join(", ", SupportedModelTypes)}");
        return type switch
        {
            "llama" => Llama(c, type),
            "mistral" => Llama(c, type) with { SlidingWindow = Window(c, 0) },
            "mixtral" => Mixtral(c),
            "qwen2" => Qwen(c, type, notes, qkvBias: true, qkNorm: false),
            "qwen3" => Qwen(c, type, notes, qkvBias: c.Bool("attention_bias", false), qkNorm: true),
            "qwen2_moe" => QwenMoe(c, type, notes, shared: true, qkNorm: false, qkvBias: c.Bool("qkv_bias", true)),
            "qwen3_moe" => QwenMoe(c, type, notes, shared: false, qkNorm: true, qkvBias: c.Bool("attention_bias", false)),
            "gemma" => Gemma(c, type),
            // Gemma 2 norms before and after both attention and MLP; sliding layers alternate with global ones, starting sliding.
            "gemma2" => Gemma(c, type) with
            {
                NormsPerLayer = 4,
                SlidingWindow = c.OptionalInt("sliding_window") is { } w
                    ? new SlidingWindowSpec { WindowTokens = w, GlobalLayerPeriod = LayerTypesPeriod(c, notes) ?? 2 }
                    : null,
            },
            "gemma3_text" => Gemma3Text(c, notes),
            "gemma3" => Gemma3(c, notes),
            "phi3" => Phi3(c),
            "gpt2" => Gpt2(c),
            "gptj" => GptJ(c),
            "gpt_neox" => GptNeoX(c),
            "falcon" => Falcon(c),
            "opt" => Opt(c),
            "bloom" => Bloom(c),
            // OLMo 1 normalises with a LayerNorm that has no weight and no bias.
            "olmo" => Llama(c, type) with { Norm = NormKind.NonParametric },
            // OLMo 2 norms after attention and after the MLP (still two per layer) and over the whole q and k projections.
            "olmo2" => Llama(c, type) with { QkNorm = QkNormKind.FullWidth },
            "deepseek_v2" or "deepseek_v3" => DeepSeek(c, type),
            "gpt_oss" => GptOss(c, notes),
            "cohere2" => Cohere2(c, notes),
            "llama4_text" => Llama4Text(c, notes),
            "llama4" => Llama4(c, notes),
            "qwen3_next" => Qwen3Next(c, notes),
            "granitemoehybrid" => GraniteMoeHybrid(c),
            "lfm2" => Lfm2(c),
            _ => throw new ModelSpecException("model_type",
                $"expected one of {string.Join(", ", SupportedModelTypes)}, found \"{type}\""),
        };
    }

    /// <summary>The Llama layout most families share: RMSNorm, rotary, gated MLP, optional GQA.</summary>
    private static ModelSpec Llama(JsonFields c, string type, bool tiedDefault = false)
    {
        bool attentionBias = c.Bool("attention_bias", false);
        int heads = c.Int("num_attention_heads");
        return new ModelSpec
        {
            Architecture = type,
            VocabSize = c.Long("vocab_size"),
            HiddenSize = c.Int("hidden_size"),
            Layers = c.Int("num_hidden_layers"),
            AttentionHeads = heads,
            KeyValueHeads = c.OptionalInt("num_key_value_heads") ?? heads,
            HeadDim = c.OptionalInt("head_dim"),
            FfnSize = c.Long("intermediate_size"),
            Activation = c.String("hidden_act") ?? c.String("hidden_activation") ?? "silu",
            Biases = new BiasSpec { Qkv = attentionBias, AttentionOutput = attentionBias, Mlp = c.Bool("mlp_bias", false) },
            TiedEmbeddings = c.Bool("tie_word_embeddings", tiedDefault),
            MaxContextTokens = c.Int("max_position_embeddings", 0, 0),
        };
    }

    private static SlidingWindowSpec? Window(JsonFields c, int globalPeriod) =>
        c.OptionalInt("sliding_window") is { } w ? new SlidingWindowSpec { WindowTokens = w, GlobalLayerPeriod = globalPeriod } : null;

    private static ModelSpec Mixtral(JsonFields c) => Llama(c, "mixtral") with
    {
        SlidingWindow = Window(c, 0),
        Moe = new MoeSpec
        {
            RoutedExperts = c.Int("num_local_experts"),
            ExpertsPerToken = c.Int("num_experts_per_tok"),
            ExpertFfnSize = c.Long("intermediate_size"),
        },
    };

    /// <summary>
    /// Qwen2 hard-codes a bias on q, k and v but not on o (it has no config field for it); Qwen3 follows
    /// <c>attention_bias</c> on all four and adds an RMSNorm over each query and key head.
    /// </summary>
    private static ModelSpec Qwen(JsonFields c, string type, List<string> notes, bool qkvBias, bool qkNorm) =>
        Llama(c, type) with
        {
            Biases = new BiasSpec { Qkv = qkvBias, AttentionOutput = qkNorm && qkvBias },
            QkNorm = qkNorm ? QkNormKind.PerHead : QkNormKind.None,
            SlidingWindow = QwenWindow(c, notes),
        };

    /// <summary>Qwen configs carry a sliding_window that only applies when use_sliding_window is true, and then only from max_window_layers on.</summary>
    private static SlidingWindowSpec? QwenWindow(JsonFields c, List<string> notes)
    {
        if (!c.Bool("use_sliding_window", false))
            return null;
        int layers = c.Int("num_hidden_layers");
        int from = c.Int("max_window_layers", layers, 0);
        if (from >= layers)
            return null;
        if (from > 0)
            notes.Add($"sliding window applies from layer {from} on; treated as applying to every layer");
        return Window(c, 0);
    }

    /// <summary>
    /// Qwen2-MoE biases q/k/v (<c>qkv_bias</c>, default true) but not o; Qwen3-MoE follows <c>attention_bias</c> on all four.
    /// Qwen2-MoE adds a gated shared expert to every MoE layer; Qwen3-MoE has none.
    /// </summary>
    private static ModelSpec QwenMoe(JsonFields c, string type, List<string> notes, bool shared, bool qkNorm, bool qkvBias)
    {
        long sharedFfn = shared ? c.Long("shared_expert_intermediate_size", 0, 0) : 0;
        return Qwen(c, type, notes, qkvBias, qkNorm) with
        {
            FfnSize = c.Long("intermediate_size", 0, 0),
            Moe = new MoeSpec
            {
                RoutedExperts = c.Int("num_experts"),
                ExpertsPerToken = c.Int("num_experts_per_tok"),
                ExpertFfnSize = c.Long("moe_intermediate_size"),
                SharedExperts = sharedFfn > 0 ? 1 : 0,
                SharedExpertFfnSize = sharedFfn > 0 ? sharedFfn : null,
                SharedExpertGate = sharedFfn > 0,
                LayerStep = c.Int("decoder_sparse_step", 1),
                DenseLayers = c.IntArray("mlp_only_layers", ModelSpecValidator.MaxLayers) is { Length: > 0 } dense ? dense : null,
            },
        };
    }

    /// <summary>
    /// Gemma and Gemma 2: Llama layout with tied embeddings and a head_dim that defaults to 256 (GemmaConfig), not
    /// hidden / heads (gemma-7b: 16 heads × 256 = 4096 wide queries over a 3072 hidden size). The MLP runs
    /// <c>hidden_activation</c>; the legacy <c>hidden_act</c> ("gelu" in gemma-7b's config) is not what transformers uses.
    /// </summary>
    private static ModelSpec Gemma(JsonFields c, string type) => Llama(c, type, tiedDefault: true) with
    {
        HeadDim = c.Int("head_dim", 256),
        Activation = c.String("hidden_activation") ?? "gelu_pytorch_tanh",
    };

    /// <summary>
    /// Phi-3: fused qkv and gate_up projections (same parameter count as Llama's), never any bias (the modelling code
    /// hard-codes bias=False whatever <c>attention_bias</c> says), and a sliding window on every layer when
    /// <c>sliding_window</c> is set (Phi-3-mini-4k: 2047).
    /// </summary>
    private static ModelSpec Phi3(JsonFields c) => Llama(c, "phi3") with
    {
        Biases = BiasSpec.None,
        SlidingWindow = Window(c, 0),
    };

    /// <summary>
    /// gemma3_text defaults from transformers' Gemma3TextConfig: multimodal checkpoints' text_config
    /// leaves out fields that equal them (gemma-3-4b omits vocab_size and head_dim, for instance).
    /// </summary>
    private static ModelSpec Gemma3Text(JsonFields c, List<string> notes)
    {
        int heads = c.Int("num_attention_heads", 8);
        return new ModelSpec
        {
            Architecture = "gemma3_text",
            VocabSize = c.Long("vocab_size", 262_208),
            HiddenSize = c.Int("hidden_size", 2304),
            Layers = c.Int("num_hidden_layers", 26),
            AttentionHeads = heads,
            KeyValueHeads = c.Int("num_key_value_heads", 4),
            HeadDim = c.Int("head_dim", 256),
            FfnSize = c.Long("intermediate_size", 9216),
            Activation = c.String("hidden_activation") ?? "gelu_pytorch_tanh",
            Biases = c.Bool("attention_bias", false) ? new BiasSpec { Qkv = true, AttentionOutput = true } : BiasSpec.None,
            NormsPerLayer = 4,
            QkNorm = QkNormKind.PerHead,
            TiedEmbeddings = c.Bool("tie_word_embeddings", true),
            MaxContextTokens = c.Int("max_position_embeddings", 131_072, 0),
            SlidingWindow = new SlidingWindowSpec
            {
                WindowTokens = c.Int("sliding_window", 4096),
                GlobalLayerPeriod = LayerTypesPeriod(c, notes) ?? c.Int("sliding_window_pattern", 6, 0),
            },
        };
    }

    private static ModelSpec Gemma3(JsonFields c, List<string> notes)
    {
        var text = c.Object("text_config") ?? throw new ModelSpecException("text_config", "required object is missing");
        notes.Add("multimodal checkpoint: the text model is counted; the vision tower and projector are not");
        var spec = Gemma3Text(text, notes);
        return c.Has("tie_word_embeddings") ? spec with { TiedEmbeddings = c.Bool("tie_word_embeddings", true) } : spec;
    }

    /// <summary>
    /// Derives the global-layer period from a <c>layer_types</c> list; null when the list is absent. Local layers are
    /// <c>sliding_attention</c> or (Llama 4) <c>chunked_attention</c>; anything else attends globally.
    /// </summary>
    private static int? LayerTypesPeriod(JsonFields c, List<string> notes)
    {
        var types = c.StringArray("layer_types");
        if (types is null || types.Count == 0)
            return null;
        return GlobalPeriod(types.Select(t => t is "sliding_attention" or "chunked_attention").ToList(), c.Name("layer_types"), notes);
    }

    /// <summary>The period of the first global (non-local) layer, with a note when later layers break the pattern; 0 when all are local.</summary>
    private static int GlobalPeriod(IReadOnlyList<bool> local, string field, List<string> notes)
    {
        int firstGlobal = Enumerable.Range(0, local.Count).FirstOrDefault(i => !local[i], -1);
        if (firstGlobal < 0)
            return 0;
        int period = firstGlobal + 1;
        bool regular = Enumerable.Range(0, local.Count).All(i => !local[i] == ((i + 1) % period == 0));
        if (!regular)
            notes.Add($"{field} is irregular; modelled as one global layer every {period}");
        return period;
    }

    /// <summary>
    /// Qwen3-Next, after Qwen3NextConfig and its modelling code: a hybrid of Gated DeltaNet layers and gated attention layers
    /// (every <c>full_attention_interval</c>-th layer, default 4, unless <c>layer_types</c> lists them), each followed by an MLP —
    /// a Qwen2-MoE-style mixture with a gated shared expert, except on <c>mlp_only_layers</c> and off the <c>decoder_sparse_step</c>.
    /// Attention layers norm each query and key head and gate their output through a query projection twice as wide. The
    /// released checkpoints also store one multi-token-prediction layer (<c>mtp.*</c>, sharing the embedding and head) that the
    /// config does not mention; it is counted apart, as DeepSeek-V3's is.
    /// </summary>
    private static ModelSpec Qwen3Next(JsonFields c, List<string> notes)
    {
        int layers = c.Int("num_hidden_layers", 48);
        var moe = QwenMoe(c, "qwen3_next", notes, shared: true, qkNorm: true, qkvBias: c.Bool("attention_bias", false));
        if (!c.Has("mtp_num_hidden_layers"))
            notes.Add("the released Qwen3-Next checkpoints hold one multi-token-prediction layer (mtp.*) that config.json does not declare; it is counted apart from the model");
        int headDim = c.Int("head_dim", 256);
        double partial = c.Element.TryGetProperty("partial_rotary_factor", out var factor) && factor.ValueKind == JsonValueKind.Number ? factor.GetDouble() : 0.25;
        if (!(partial > 0 && partial <= 1))
            throw new ModelSpecException(c.Name("partial_rotary_factor"), $"expected a number in (0, 1], found {partial}");
        return moe with
        {
            HeadDim = headDim,
            RotaryDimensions = partial < 1 ? (int)(headDim * partial) : null,
            AttentionOutputGate = true,
            MultiTokenPredictionLayers = c.Int("mtp_num_hidden_layers", 1, 0),
            MultiTokenPredictionSharesHead = true,
            Recurrent = new RecurrentSpec
            {
                Kind = RecurrentKind.GatedDeltaNet,
                LayerPattern = HybridPattern(c, layers, "full_attention_interval", 4),
                ConvKernel = c.Int("linear_conv_kernel_dim", 4),
                StateSize = c.Int("linear_key_head_dim", 128),
                Groups = c.Int("linear_num_key_heads", 16),
                Heads = c.Int("linear_num_value_heads", 32),
                HeadDim = c.Int("linear_value_head_dim", 128),
            },
        };
    }

    /// <summary>
    /// Granite 4.0 (<c>granitemoehybrid</c>), after GraniteMoeHybridConfig and its modelling code: Mamba-2 layers and attention
    /// layers as <c>layer_types</c> lists them (all Mamba-2 without it), every layer followed by a mixture of
    /// <c>num_local_experts</c> experts of <c>intermediate_size</c> (a bias-free router) plus a shared MLP (gate and up; no shared-expert gate) of
    /// <c>shared_intermediate_size</c> — or, with no experts (Granite-4.0-H-Micro), that MLP alone. Mamba-2: <c>mamba_n_heads</c> heads
    /// of <c>mamba_d_head</c> (default mamba_expand × hidden / heads), <c>mamba_n_groups</c> groups of <c>mamba_d_state</c>, a
    /// convolution of <c>mamba_d_conv</c> with a bias (<c>mamba_conv_bias</c>, default true), projections without
    /// (<c>mamba_proj_bias</c>, default false). Attention layers use no positional encoding when <c>position_embedding_type</c> is
    /// "nope" (Granite-4.0-H), which stores nothing either way.
    /// </summary>
    private static ModelSpec GraniteMoeHybrid(JsonFields c)
    {
        int layers = c.Int("num_hidden_layers", 32);
        int hidden = c.Int("hidden_size", 4096);
        int heads = c.Int("num_attention_heads", 32);
        int experts = c.Int("num_local_experts", 8, 0);
        long shared = c.Long("shared_intermediate_size", 1024, 0);
        int mambaHeads = c.Int("mamba_n_heads", 128);
        int expand = c.Int("mamba_expand", 2);
        int mambaHeadDim = c.Element.TryGetProperty("mamba_d_head", out var dHead) && dHead.ValueKind == JsonValueKind.Number
            ? c.Int("mamba_d_head")
            : expand * hidden / mambaHeads; // "auto"
        bool attentionBias = c.Bool("attention_bias", false);
        var pattern = c.StringArray("layer_types") is { Count: > 0 } ? HybridPattern(c, layers, "", 0) : new string('M', layers);
        return new ModelSpec
        {
            Architecture = "granitemoehybrid",
            VocabSize = c.Long("vocab_size", 32_000),
            HiddenSize = hidden,
            Layers = layers,
            AttentionHeads = heads,
            KeyValueHeads = c.OptionalInt("num_key_value_heads") ?? heads,
            // With no experts, the shared MLP is the layer's only MLP.
            FfnSize = experts > 0 ? c.Long("intermediate_size", 11_008) : shared,
            Activation = c.String("hidden_act") ?? "silu",
            Biases = new BiasSpec { Qkv = attentionBias, AttentionOutput = attentionBias },
            TiedEmbeddings = c.Bool("tie_word_embeddings", false),
            Positions = c.String("position_embedding_type") == "nope" ? PositionEncoding.None : PositionEncoding.Rotary,
            MaxContextTokens = c.Int("max_position_embeddings", 2048, 0),
            Moe = experts == 0 ? null : new MoeSpec
            {
                RoutedExperts = experts,
                ExpertsPerToken = c.Int("num_experts_per_tok", 2),
                ExpertFfnSize = c.Long("intermediate_size", 11_008),
                SharedExperts = shared > 0 ? 1 : 0,
                SharedExpertFfnSize = shared > 0 ? shared : null,
            },
            // Granite-4.0-Micro shares the model type with attention layers only: no recurrent layers to describe.
            Recurrent = !pattern.Contains('M') ? null : new RecurrentSpec
            {
                Kind = RecurrentKind.Mamba2,
                LayerPattern = pattern,
                ConvKernel = c.Int("mamba_d_conv", 4),
                StateSize = c.Int("mamba_d_state", 256),
                Groups = c.Int("mamba_n_groups", 1),
                Heads = mambaHeads,
                HeadDim = mambaHeadDim,
                ConvBias = c.Bool("mamba_conv_bias", true),
                ProjectionBias = c.Bool("mamba_proj_bias", false),
            },
        };
    }

    /// <summary>
    /// LFM2 (<c>lfm2</c>), after Lfm2Config and its modelling code: attention layers as <c>layer_types</c> lists them (else the
    /// indices in <c>full_attn_idxs</c>; every layer attends without either), the others double-gated short convolutions over the
    /// hidden size (<c>conv_L_cache</c> taps; <c>conv_bias</c> on in_proj, the convolution and out_proj). Attention: q/k RMSNorm
    /// per head, head_dim = hidden / heads. The gated MLP's width is <c>block_ff_dim</c> (else <c>intermediate_size</c>), which
    /// <c>block_auto_adjust_ff_dim</c> (default true) shrinks to ⌊2/3 of it⌋ and — when <c>block_ffn_dim_multiplier</c> is set
    /// (default 1.0) — scales and rounds up to a multiple of <c>block_multiple_of</c> (default 256): Lfm2MLP. Tied embeddings
    /// unless <c>tie_embedding</c>/<c>tie_word_embeddings</c> say otherwise.
    /// </summary>
    private static ModelSpec Lfm2(JsonFields c)
    {
        int layers = c.Int("num_hidden_layers", 32);
        int heads = c.Int("num_attention_heads", 32);
        long ffn = c.Has("block_ff_dim") ? c.Long("block_ff_dim") : c.Long("intermediate_size", 12_288);
        if (c.Bool("block_auto_adjust_ff_dim", true))
        {
            ffn = (long)(2.0 * ffn / 3);
            double? multiplier = c.Has("block_ffn_dim_multiplier") ? Number(c, "block_ffn_dim_multiplier") : c.Element.TryGetProperty("block_ffn_dim_multiplier", out _) ? null : 1.0;
            if (multiplier is { } m)
            {
                ffn = (long)(m * ffn);
                long multiple = c.Long("block_multiple_of", 256);
                ffn = multiple * ((ffn + multiple - 1) / multiple);
            }
        }
        string pattern;
        if (c.StringArray("layer_types") is { Count: > 0 })
            pattern = HybridPattern(c, layers, "", 0);
        else if (c.IntArray("full_attn_idxs", layers - 1) is { } attention)
            pattern = new string(Enumerable.Range(0, layers).Select(i => attention.Contains(i) ? '*' : 'M').ToArray());
        else
            pattern = new string('*', layers);
        bool bias = c.Bool("conv_bias", false);
        bool tied = c.Has("tie_embedding") ? c.Bool("tie_embedding", true) : c.Bool("tie_word_embeddings", true);
        return new ModelSpec
        {
            Architecture = "lfm2",
            VocabSize = c.Long("vocab_size", 65_536),
            HiddenSize = c.Int("hidden_size", 2560),
            Layers = layers,
            AttentionHeads = heads,
            KeyValueHeads = c.Int("num_key_value_heads", 8),
            FfnSize = ffn,
            QkNorm = QkNormKind.PerHead,
            TiedEmbeddings = tied,
            MaxContextTokens = c.Int("max_position_embeddings", 128_000, 0),
            Recurrent = !pattern.Contains('M') ? null : new RecurrentSpec
            {
                Kind = RecurrentKind.ShortConv,
                LayerPattern = pattern,
                ConvKernel = c.Int("conv_L_cache", 3, 2),
                ConvBias = bias,
                ProjectionBias = bias,
            },
        };
    }

    private static double Number(JsonFields c, string name) =>
        c.Element.GetProperty(name) is { ValueKind: JsonValueKind.Number } v && v.GetDouble() is var d && d > 0
            ? d
            : throw new ModelSpecException(c.Name(name), $"expected a positive number, found {c.Element.GetProperty(name).GetRawText()}");

    /// <summary>
    /// A hybrid model's layer pattern (<see cref="RecurrentSpec.LayerPattern"/>): from <c>layer_types</c> when the config lists them
    /// (<c>full_attention</c>/<c>attention</c> attend, <c>linear_attention</c>/<c>mamba</c>/<c>conv</c> are recurrent), else every
    /// <paramref name="periodField"/>-th layer attends.
    /// </summary>
    private static string HybridPattern(JsonFields c, int layers, string periodField, int defaultPeriod)
    {
        if (c.StringArray("layer_types") is { Count: > 0 } types)
        {
            if (types.Count != layers)
                throw new ModelSpecException(c.Name("layer_types"), $"expected one entry per layer ({layers}), found {types.Count}");
            var pattern = new char[layers];
            for (int i = 0; i < layers; i++)
            {
                pattern[i] = types[i] switch
                {
                    "full_attention" or "attention" => '*',
                    "linear_attention" or "mamba" or "conv" => 'M',
                    _ => throw new ModelSpecException(c.Name("layer_types"),
                        $"entry {i}: expected full_attention, attention, linear_attention, mamba or conv, found \"{types[i]}\""),
                };
            }
            return new string(pattern);
        }
        return RecurrentSpec.PeriodicPattern(layers, c.Int(periodField, defaultPeriod, 1, layers));
    }

    /// <summary>
    /// Cohere2 (Command R7B), after Cohere2Config and its modelling code: one weight-only LayerNorm per layer feeding attention
    /// and MLP in parallel, tied embeddings by default, head_dim always hidden / heads (the config class overwrites it), and
    /// sliding-window attention on three layers of every four (<c>layer_types</c>, else <c>sliding_window_pattern</c>, default
    /// 4); the global layers use no positional encoding, which stores no parameters.
    /// </summary>
    private static ModelSpec Cohere2(JsonFields c, List<string> notes)
    {
        int? window = c.Element.TryGetProperty("sliding_window", out _) ? c.OptionalInt("sliding_window") : 4096;
        return Llama(c, "cohere2", tiedDefault: true) with
        {
            HeadDim = null,
            Norm = NormKind.LayerNormNoBias,
            NormsPerLayer = 1,
            ParallelBlocks = true,
            MaxContextTokens = c.Int("max_position_embeddings", 8192, 0),
            SlidingWindow = window is { } w
                ? new SlidingWindowSpec { WindowTokens = w, GlobalLayerPeriod = LayerTypesPeriod(c, notes) ?? c.Int("sliding_window_pattern", 4, 0) }
                : null,
        };
    }

    /// <summary>
    /// Llama 4's language model (<c>llama4_text</c>), with Llama4TextConfig's defaults for omitted fields. Dense layers use
    /// <c>intermediate_size_mlp</c>; MoE layers (every <c>interleave_moe_layer_step</c>-th, or the explicit <c>moe_layers</c>)
    /// route each token to <c>num_experts_per_tok</c> of <c>num_local_experts</c> experts of <c>intermediate_size</c> through a
    /// bias-free router, plus one shared expert of the same size. <c>use_qk_norm</c> is a weightless L2 norm (no parameters).
    /// Layers with RoPE (<c>no_rope_layers</c> 1, default three of every four) attend within chunks of <c>attention_chunk_size</c>;
    /// the rest (NoPE) attend globally.
    /// </summary>
    private static ModelSpec Llama4Text(JsonFields c, List<string> notes)
    {
        int layers = c.Int("num_hidden_layers", 48);
        int heads = c.Int("num_attention_heads", 40);
        int step = c.Int("interleave_moe_layer_step", 1, 1, layers);
        int[]? dense = null;
        if (c.IntArray("moe_layers", ModelSpecValidator.MaxLayers) is { } moeLayers)
        {
            // An explicit list wins over the step (Llama4TextConfig); everything it leaves out is dense.
            step = 1;
            dense = Enumerable.Range(0, layers).Where(i => Array.IndexOf(moeLayers, i) < 0).ToArray();
        }
        bool qkvBias = c.Bool("attention_bias", false);
        return new ModelSpec
        {
            Architecture = "llama4_text",
            VocabSize = c.Long("vocab_size", 202_048),
            HiddenSize = c.Int("hidden_size", 5120),
            Layers = layers,
            AttentionHeads = heads,
            KeyValueHeads = c.Int("num_key_value_heads", 8),
            HeadDim = c.Int("head_dim", 128),
            FfnSize = c.Long("intermediate_size_mlp", 16_384),
            Activation = c.String("hidden_act") ?? "silu",
            Biases = new BiasSpec { Qkv = qkvBias, AttentionOutput = qkvBias },
            TiedEmbeddings = c.Bool("tie_word_embeddings", false),
            MaxContextTokens = c.Int("max_position_embeddings", 4096 * 32, 0),
            Moe = new MoeSpec
            {
                RoutedExperts = c.Int("num_local_experts", 16),
                ExpertsPerToken = c.Int("num_experts_per_tok", 1),
                ExpertFfnSize = c.Long("intermediate_size", 8192),
                SharedExperts = 1,
                LayerStep = step,
                DenseLayers = dense is { Length: > 0 } ? dense : null,
            },
            SlidingWindow = c.Element.TryGetProperty("attention_chunk_size", out _) && !c.Has("attention_chunk_size")
                ? null // an explicit null turns chunked attention off
                : new SlidingWindowSpec
                {
                    WindowTokens = c.Int("attention_chunk_size", 8192),
                    Chunked = true,
                    GlobalLayerPeriod = LayerTypesPeriod(c, notes) ?? RopeLayersPeriod(c, layers, notes),
                },
        };
    }

    /// <summary>
    /// Llama 4's chunked layers are the RoPE layers: <c>no_rope_layers[i]</c> is 1 for a RoPE (chunked) layer and 0 for a NoPE
    /// (global) one; without the list, every <c>no_rope_layer_interval</c>-th layer (default 4) is NoPE.
    /// </summary>
    private static int RopeLayersPeriod(JsonFields c, int layers, List<string> notes)
    {
        if (c.IntArray("no_rope_layers", 1) is { Length: > 0 } rope)
        {
            if (rope.Length < layers)
                throw new ModelSpecException(c.Name("no_rope_layers"), $"expected at least one value per layer ({layers}), found {rope.Length}");
            return GlobalPeriod(rope.Take(layers).Select(r => r == 1).ToList(), c.Name("no_rope_layers"), notes);
        }
        return c.Int("no_rope_layer_interval", 4, 1, layers);
    }

    /// <summary>The multimodal Llama 4 checkpoint (<c>Llama4ForConditionalGeneration</c>): the language model in <c>text_config</c>.</summary>
    private static ModelSpec Llama4(JsonFields c, List<string> notes)
    {
        var text = c.Object("text_config") ?? throw new ModelSpecException("text_config", "required object is missing");
        notes.Add("multimodal checkpoint: the text model is counted; the vision encoder and multimodal projector are not");
        var spec = Llama4Text(text, notes);
        return c.Has("tie_word_embeddings") ? spec with { TiedEmbeddings = c.Bool("tie_word_embeddings", false) } : spec;
    }

    private static ModelSpec Gpt2(JsonFields c)
    {
        int hidden = c.Int(Pick(c, "n_embd", "hidden_size"));
        int positions = c.Int(Pick(c, "n_positions", "max_position_embeddings"), 1024);
        return new ModelSpec
        {
            Architecture = "gpt2",
            VocabSize = c.Long("vocab_size"),
            HiddenSize = hidden,
            Layers = c.Int(Pick(c, "n_layer", "num_hidden_layers")),
            AttentionHeads = c.Int(Pick(c, "n_head", "num_attention_heads")),
            FfnSize = c.Long("n_inner", 4L * hidden),
            Mlp = MlpKind.Plain,
            Activation = c.String("activation_function") ?? "gelu_new",
            Biases = BiasSpec.AllButLmHead,
            Norm = NormKind.LayerNorm,
            TiedEmbeddings = c.Bool("tie_word_embeddings", true),
            Positions = PositionEncoding.Learned,
            LearnedPositions = positions,
            MaxContextTokens = positions,
        };
    }

    /// <summary>GPT-J: one LayerNorm per parallel block, bias-free attention, biased MLP and a biased, untied LM head.</summary>
    private static ModelSpec GptJ(JsonFields c)
    {
        int hidden = c.Int(Pick(c, "n_embd", "hidden_size"));
        return new ModelSpec
        {
            Architecture = "gptj",
            VocabSize = c.Long("vocab_size"),
            HiddenSize = hidden,
            Layers = c.Int(Pick(c, "n_layer", "num_hidden_layers")),
            AttentionHeads = c.Int(Pick(c, "n_head", "num_attention_heads")),
            FfnSize = c.Long("n_inner", 4L * hidden),
            Mlp = MlpKind.Plain,
            Activation = c.String("activation_function") ?? "gelu_new",
            Biases = new BiasSpec { Mlp = true, LmHead = true },
            Norm = NormKind.LayerNorm,
            NormsPerLayer = 1,
            ParallelBlocks = true,
            TiedEmbeddings = c.Bool("tie_word_embeddings", false),
            MaxContextTokens = c.Int(Pick(c, "n_positions", "max_position_embeddings"), 2048),
        };
    }

    /// <summary>GPT-NeoX (and Pythia): two LayerNorms per layer even with the parallel residual, biased MLP, untied head.</summary>
    private static ModelSpec GptNeoX(JsonFields c)
    {
        bool bias = c.Bool("attention_bias", true);
        return Llama(c, "gpt_neox") with
        {
            Mlp = MlpKind.Plain,
            Activation = c.String("hidden_act") ?? "gelu",
            Biases = new BiasSpec { Qkv = bias, AttentionOutput = bias, Mlp = true },
            Norm = NormKind.LayerNorm,
            ParallelBlocks = c.Bool("use_parallel_residual", true),
        };
    }

    /// <summary>
    /// Falcon. Key/value heads: <c>num_kv_heads</c> only with the new decoder architecture (40B, 180B); otherwise one
    /// (<c>multi_query</c>, Falcon-7B, whose config also says num_kv_heads 71) or all of them. head_dim is always
    /// hidden / heads (a property in FalconConfig). Norms: a parallel block has one LayerNorm, or ln_attn + ln_mlp when
    /// <c>num_ln_in_parallel_attn</c> is 2 (the default with the new architecture); a sequential block has two.
    /// </summary>
    private static ModelSpec Falcon(JsonFields c)
    {
        int hidden = c.Int(Pick(c, "hidden_size", "n_embed"));
        int heads = c.Int(Pick(c, "num_attention_heads", "n_head"));
        bool newArch = c.Bool("new_decoder_architecture", false);
        bool parallel = c.Bool("parallel_attn", true);
        bool bias = c.Bool("bias", false);
        int kvHeads = newArch ? c.Int("num_kv_heads", heads) : c.Bool("multi_query", true) ? 1 : heads;
        int parallelNorms = c.Int("num_ln_in_parallel_attn", newArch ? 2 : 1, 1, 2);
        return new ModelSpec
        {
            Architecture = "falcon",
            VocabSize = c.Long("vocab_size"),
            HiddenSize = hidden,
            Layers = c.Int(Pick(c, "num_hidden_layers", "n_layer")),
            AttentionHeads = heads,
            KeyValueHeads = kvHeads,
            FfnSize = c.Long("ffn_hidden_size", 4L * hidden),
            Mlp = MlpKind.Plain,
            Activation = c.String("activation") ?? "gelu",
            Biases = bias ? BiasSpec.AllButLmHead : BiasSpec.None,
            Norm = NormKind.LayerNorm,
            NormsPerLayer = parallel ? parallelNorms : 2,
            ParallelBlocks = newArch || parallel,
            TiedEmbeddings = c.Bool("tie_word_embeddings", true),
            Positions = c.Bool("alibi", false) ? PositionEncoding.Alibi : PositionEncoding.Rotary,
            MaxContextTokens = c.Int("max_position_embeddings", 2048, 0),
        };
    }

    private static ModelSpec Opt(JsonFields c)
    {
        int hidden = c.Int("hidden_size");
        int? proj = c.OptionalInt("word_embed_proj_dim");
        int maxPositions = c.Int("max_position_embeddings");
        bool bias = c.Bool("enable_bias", true);
        bool affine = c.Bool("layer_norm_elementwise_affine", true);
        return new ModelSpec
        {
            Architecture = "opt",
            VocabSize = c.Long("vocab_size"),
            HiddenSize = hidden,
            Layers = c.Int("num_hidden_layers"),
            AttentionHeads = c.Int("num_attention_heads"),
            FfnSize = c.Long("ffn_dim"),
            Mlp = MlpKind.Plain,
            Activation = c.String("activation_function") ?? "relu",
            Biases = bias ? BiasSpec.AllButLmHead : BiasSpec.None,
            Norm = affine ? NormKind.LayerNorm : NormKind.NonParametric,
            // OPT-350m (post-norm) has no final layer norm; neither has a checkpoint converted with _remove_final_layer_norm.
            FinalNorm = c.Bool("do_layer_norm_before", true) && !c.Bool("_remove_final_layer_norm", false),
            TiedEmbeddings = c.Bool("tie_word_embeddings", true),
            Positions = PositionEncoding.Learned,
            // OPT's learned position table has two extra rows (an offset kept from fairseq).
            LearnedPositions = maxPositions + 2,
            EmbeddingProjectionSize = proj is { } p && p != hidden ? p : null,
            MaxContextTokens = maxPositions,
        };
    }

    /// <summary>
    /// BLOOM: a LayerNorm right after the embedding, ALiBi, a 4 × hidden MLP, biases everywhere. Hub configs spell the
    /// sizes <c>n_embed</c>, <c>n_layer</c> and <c>num_attention_heads</c>; BloomConfig maps them onto its own names.
    /// </summary>
    private static ModelSpec Bloom(JsonFields c)
    {
        int hidden = c.Int(Pick(c, "hidden_size", "n_embed"));
        return new ModelSpec
        {
            Architecture = "bloom",
            VocabSize = c.Long("vocab_size"),
            HiddenSize = hidden,
            Layers = c.Int(Pick(c, "n_layer", "num_hidden_layers")),
            AttentionHeads = c.Int(Pick(c, "n_head", "num_attention_heads")),
            FfnSize = 4L * hidden,
            Mlp = MlpKind.Plain,
            Activation = "gelu",
            Biases = BiasSpec.AllButLmHead,
            Norm = NormKind.LayerNorm,
            EmbeddingNorm = true,
            TiedEmbeddings = c.Bool("tie_word_embeddings", true),
            Positions = PositionEncoding.Alibi,
            MaxContextTokens = c.Int("seq_length", 2048, 0),
        };
    }

    private static ModelSpec DeepSeek(JsonFields c, string type)
    {
        int layers = c.Int("num_hidden_layers");
        int firstDense = c.Int("first_k_dense_replace", 0, 0);
        int frequency = c.Int("moe_layer_freq", 1);
        // DeepSeek puts an MoE layer at i >= first_k_dense_replace when i % moe_layer_freq == 0.
        int[]? dense = frequency == 1 ? null
            : Enumerable.Range(firstDense, Math.Max(0, layers - firstDense)).Where(i => i % frequency != 0).ToArray();
        bool hasExperts = c.Has("n_routed_experts");
        return Llama(c, type) with
        {
            KeyValueHeads = null,
            HeadDim = null,
            Mla = new MlaSpec
            {
                QLoraRank = c.OptionalInt("q_lora_rank"),
                KvLoraRank = c.Int("kv_lora_rank"),
                QkNopeHeadDim = c.Int("qk_nope_head_dim"),
                QkRopeHeadDim = c.Int("qk_rope_head_dim", null, 0),
                VHeadDim = c.Int("v_head_dim"),
            },
            Moe = !hasExperts ? null : new MoeSpec
            {
                RoutedExperts = c.Int("n_routed_experts"),
                ExpertsPerToken = c.Int("num_experts_per_tok"),
                ExpertFfnSize = c.Long("moe_intermediate_size"),
                SharedExperts = c.Int("n_shared_experts", 0, 0),
                FirstDenseLayers = firstDense,
                DenseLayers = dense,
                RouterScoreCorrectionBias = c.String("topk_method") == "noaux_tc",
            },
            MultiTokenPredictionLayers = c.Int("num_nextn_predict_layers", 0, 0),
        };
    }

    /// <summary>
    /// gpt-oss, after GptOssConfig: head_dim defaults to 64 (not hidden / heads: 2880 / 64 = 45), all four attention
    /// projections follow <c>attention_bias</c> (default true), experts and router always carry biases, and a learned
    /// sink per head. An absent <c>sliding_window</c> means the default 128; an explicit null means none.
    /// </summary>
    private static ModelSpec GptOss(JsonFields c, List<string> notes)
    {
        bool attentionBias = c.Bool("attention_bias", true);
        int? window = c.Element.TryGetProperty("sliding_window", out _) ? c.OptionalInt("sliding_window") : 128;
        return Llama(c, "gpt_oss") with
        {
            HeadDim = c.Int("head_dim", 64),
            Biases = new BiasSpec { Qkv = attentionBias, AttentionOutput = attentionBias, Mlp = true },
            AttentionSinks = true,
            Moe = new MoeSpec
            {
                RoutedExperts = c.Int(Pick(c, "num_local_experts", "num_experts")),
                ExpertsPerToken = c.Int(Pick(c, "num_experts_per_tok", "experts_per_token"), 4),
                ExpertFfnSize = c.Long("intermediate_size"),
                RouterBias = true,
            },
            SlidingWindow = window is { } w
                ? new SlidingWindowSpec { WindowTokens = w, GlobalLayerPeriod = LayerTypesPeriod(c, notes) ?? 2 }
                : null,
        };
    }
}
