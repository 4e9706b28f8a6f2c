using System.Text.Json.Serialization;

namespace LlmSizer.Models;

/// <summary>
/// The architecture of a decoder-only transformer, precise enough to count every stored parameter.
/// Sizes are element counts (not bytes); token counts are tokens.
/// </summary>
[JsonConverter(typeof(LlmSizer.Serialization.ModelSpecJsonConverter))]
public sealed record ModelSpec
{
    /// <summary>Family name as Hugging Face spells it in <c>model_type</c> (e.g. <c>llama</c>, <c>gpt2</c>).</summary>
    public required string Architecture { get; init; }

    /// <summary>Rows of the token-embedding matrix (the padded vocabulary where a family pads).</summary>
    public required long VocabSize { get; init; }

    public required int HiddenSize { get; init; }

    public required int Layers { get; init; }

    public required int AttentionHeads { get; init; }

    /// <summary>Key/value heads: equal to <see cref="AttentionHeads"/> for MHA, 1 for MQA, between for GQA. Null means MHA.</summary>
    public int? KeyValueHeads { get; init; }

    /// <summary>
    /// Key/value heads of each layer (0-based), when they differ by layer (OpenELM; llama.cpp's per-layer
    /// <c>head_count_kv</c> arrays). Null means every layer has <see cref="EffectiveKeyValueHeads"/>. When set it has one entry
    /// per layer; 0 means the layer keeps no attention keys and values (no k/v projections, no KV cache), any other value
    /// divides <see cref="AttentionHeads"/>. <see cref="KeyValueHeads"/>, when also given, must be the largest entry.
    /// </summary>
    public int[]? KeyValueHeadsPerLayer { get; init; }

    /// <summary>Per-head dimension when it differs from hidden size / heads (Gemma, gpt-oss, Qwen3).</summary>
    public int? HeadDim { get; init; }

    /// <summary>Inner size of a dense MLP (<c>intermediate_size</c>); for MoE models the size of the dense layers' MLP.</summary>
    public required long FfnSize { get; init; }

    /// <summary>Gated MLPs (SwiGLU/GeGLU) store three matrices, plain ones two.</summary>
    public MlpKind Mlp { get; init; } = MlpKind.Gated;

    /// <summary>Activation as the config names it; informational.</summary>
    public string Activation { get; init; } = "silu";

    public BiasSpec Biases { get; init; } = new();

    public NormKind Norm { get; init; } = NormKind.RmsNorm;

    /// <summary>Hidden-size norms inside each layer: 2 usually, 1 for single-norm parallel blocks (GPT-J, Falcon-7B), 4 for Gemma 2/3.</summary>
    public int NormsPerLayer { get; init; } = 2;

    /// <summary>Extra norms on queries and keys (Qwen3, Gemma 3, OLMo-2).</summary>
    public QkNormKind QkNorm { get; init; } = QkNormKind.None;

    public bool FinalNorm { get; init; } = true;

    /// <summary>A norm right after the token embedding (BLOOM's <c>word_embeddings_layernorm</c>).</summary>
    public bool EmbeddingNorm { get; init; }

    /// <summary>Attention and MLP read the same input and are summed (GPT-J, GPT-NeoX, Falcon, PaLM).</summary>
    public bool ParallelBlocks { get; init; }

    /// <summary>The LM head reuses the token-embedding matrix, so it is stored (and counted) once.</summary>
    public bool TiedEmbeddings { get; init; }

    public PositionEncoding Positions { get; init; } = PositionEncoding.Rotary;

    /// <summary>Rows of a learned absolute position table, offset included (OPT stores max positions + 2).</summary>
    public int LearnedPositions { get; init; }

    /// <summary>OPT-350m style: embeddings live in a smaller space and are projected in and out of the hidden size.</summary>
    public int? EmbeddingProjectionSize { get; init; }

    /// <summary>
    /// Dimensions of each head that rotary embeddings turn, when fewer than the head size (Qwen3-Next's
    /// <c>partial_rotary_factor</c> 0.25 × head_dim 256 = 64). Null: the whole head. Stores no parameters; engines size their
    /// rotary tables by it.
    /// </summary>
    public int? RotaryDimensions { get; init; }

    /// <summary>Longest context the model was built for, in tokens.</summary>
    public int MaxContextTokens { get; init; }

    public MoeSpec? Moe { get; init; }

    /// <summary>Multi-head latent attention (DeepSeek-V2/V3); replaces the plain q/k/v projections.</summary>
    public MlaSpec? Mla { get; init; }

    public SlidingWindowSpec? SlidingWindow { get; init; }

    /// <summary>gpt-oss stores one learned sink logit per attention head and layer.</summary>
    public bool AttentionSinks { get; init; }

    /// <summary>Multi-token-prediction layers (DeepSeek-V3, Qwen3-Next); counted apart from the main model.</summary>
    public int MultiTokenPredictionLayers { get; init; }

    /// <summary>
    /// The multi-token-prediction module reuses the main model's token embedding and LM head (Qwen3-Next, Qwen3.5) instead of
    /// storing copies of its own (DeepSeek-V3).
    /// </summary>
    public bool MultiTokenPredictionSharesHead { get; init; }

    /// <summary>
    /// The query projection also yields a per-head output gate, so it is twice as wide (Qwen3-Next's and Qwen3.5's gated
    /// attention, <c>attn_output_gate</c>); the gate multiplies the attention output before <c>o_proj</c>.
    /// </summary>
    public bool AttentionOutputGate { get; init; }

    /// <summary>
    /// Hybrid models: which layers are recurrent (Mamba-2, Gated DeltaNet, short convolution) rather than attention, and
    /// their sizes. Recurrent layers keep a fixed-size state per sequence instead of a KV cache. Null: every layer attends.
    /// </summary>
    public RecurrentSpec? Recurrent { get; init; }

    /// <summary>
    /// The one key/value head count for code that needs a single number: <see cref="KeyValueHeads"/>, else the largest entry of
    /// <see cref="KeyValueHeadsPerLayer"/> (the widest layer, which bounds every per-layer buffer), else <see cref="AttentionHeads"/> (MHA).
    /// </summary>
    [JsonIgnore]
    public int EffectiveKeyValueHeads => KeyValueHeads ?? (KeyValueHeadsPerLayer is { Length: > 0 } perLayer ? perLayer.Max() : AttentionHeads);

    /// <summary>Whether some layers have a different key/value head count from others.</summary>
    [JsonIgnore]
    public bool HasPerLayerKeyValueHeads => KeyValueHeadsPerLayer is { } perLayer && perLayer.Distinct().Skip(1).Any();

    /// <summary>
    /// Key/value heads of layer <paramref name="layer"/> (0-based): its <see cref="KeyValueHeadsPerLayer"/> entry when given
    /// (0 for a layer without attention keys and values), else <see cref="EffectiveKeyValueHeads"/>; 0 for a hybrid model's
    /// layers that do not attend (<see cref="IsAttentionLayer"/>).
    /// </summary>
    public int KeyValueHeadsAt(int layer) =>
        !IsAttentionLayer(layer) ? 0 : KeyValueHeadsPerLayer is { } perLayer ? perLayer[layer] : EffectiveKeyValueHeads;

    /// <summary>Whether layer <paramref name="layer"/> (0-based) attends: every layer, except a hybrid model's recurrent and MLP-only ones.</summary>
    public bool IsAttentionLayer(int layer) => Recurrent is not { } r || r.MixerAt(layer) == LayerMixer.Attention;

    /// <summary>Whether layer <paramref name="layer"/> (0-based) has an MLP (all do, except Nemotron-H's mixer-only layers).</summary>
    public bool HasMlpAt(int layer) => Recurrent is not { } r || r.HasMlpAt(layer);

    /// <summary>How many layers attend (all of them, unless the model is a hybrid).</summary>
    [JsonIgnore]
    public int AttentionLayerCount => Recurrent is { } r ? r.Count(LayerMixer.Attention) : Layers;

    [JsonIgnore]
    public int EffectiveHeadDim => HeadDim ?? HiddenSize / AttentionHeads;

    /// <summary>Whether layer <paramref name="layer"/> (0-based) uses a mixture of experts instead of a dense MLP.</summary>
    public bool IsMoeLayer(int layer) => Moe is { } moe && moe.IsMoeLayer(layer);

    /// <summary>Whether layer <paramref name="layer"/> (0-based) attends through a sliding window.</summary>
    public bool IsSlidingLayer(int layer) => SlidingWindow is { } w && w.IsSlidingLayer(layer);
}

/// <summary>The MLP's matrix layout.</summary>
public enum MlpKind
{
    /// <summary>gate, up and down projections (SwiGLU, GeGLU).</summary>
    Gated,
    /// <summary>up and down projections only (GELU in GPT-2, OPT, BLOOM, Falcon).</summary>
    Plain,
}

/// <summary>What a normalisation layer stores.</summary>
public enum NormKind
{
    /// <summary>RMSNorm: a weight vector.</summary>
    RmsNorm,
    /// <summary>LayerNorm: a weight and a bias vector.</summary>
    LayerNorm,
    /// <summary>LayerNorm with a weight but no bias (PaLM).</summary>
    LayerNormNoBias,
    /// <summary>LayerNorm without learned parameters (OLMo 1).</summary>
    NonParametric,
}

/// <summary>Norms applied to queries and keys before attention.</summary>
public enum QkNormKind
{
    None,
    /// <summary>One head_dim-sized weight for q and one for k, shared by all heads (Qwen3, Gemma 3).</summary>
    PerHead,
    /// <summary>A weight over all query heads and one over all key heads (OLMo-2).</summary>
    FullWidth,
}

/// <summary>How token positions enter the model.</summary>
public enum PositionEncoding
{
    Rotary,
    /// <summary>A learned absolute position table (GPT-2, OPT, GPT-3).</summary>
    Learned,
    /// <summary>ALiBi attention biases, no parameters (BLOOM).</summary>
    Alibi,
    None,
}

/// <summary>Which linear projections carry a bias vector.</summary>
public sealed record BiasSpec
{
    /// <summary>Query, key and value projections (Qwen2, GPT-2, BLOOM, GPT-NeoX, OPT, gpt-oss).</summary>
    public bool Qkv { get; init; }

    /// <summary>The attention output projection.</summary>
    public bool AttentionOutput { get; init; }

    /// <summary>The MLP projections (or each expert's, for MoE).</summary>
    public bool Mlp { get; init; }

    /// <summary>The LM head (GPT-J).</summary>
    public bool LmHead { get; init; }

    public static BiasSpec None { get; } = new();

    public static BiasSpec AllButLmHead { get; } = new() { Qkv = true, AttentionOutput = true, Mlp = true };
}

/// <summary>Mixture-of-experts layout.</summary>
public sealed record MoeSpec
{
    public required int RoutedExperts { get; init; }

    public required int ExpertsPerToken { get; init; }

    /// <summary>Inner size of one routed expert's MLP (<c>moe_intermediate_size</c>).</summary>
    public required long ExpertFfnSize { get; init; }

    /// <summary>Experts every token passes through (DeepSeek, Qwen2-MoE).</summary>
    public int SharedExperts { get; init; }

    /// <summary>Inner size of one shared expert; defaults to <see cref="ExpertFfnSize"/>.</summary>
    public long? SharedExpertFfnSize { get; init; }

    /// <summary>Qwen2-MoE gates the shared expert with a hidden→1 projection.</summary>
    public bool SharedExpertGate { get; init; }

    /// <summary>The router (hidden→experts) has a bias (gpt-oss).</summary>
    public bool RouterBias { get; init; }

    /// <summary>DeepSeek-V3 keeps a per-expert score-correction bias beside the router.</summary>
    public bool RouterScoreCorrectionBias { get; init; }

    /// <summary>Leading layers that keep a dense MLP (<c>first_k_dense_replace</c>).</summary>
    public int FirstDenseLayers { get; init; }

    /// <summary>Layer i (0-based) is MoE only when (i + 1) is a multiple of this (<c>decoder_sparse_step</c>); 1 = every layer.</summary>
    public int LayerStep { get; init; } = 1;

    /// <summary>Further layers forced dense (<c>mlp_only_layers</c>).</summary>
    public int[]? DenseLayers { get; init; }

    public bool IsMoeLayer(int layer) =>
        layer >= FirstDenseLayers
        && (layer + 1) % Math.Max(1, LayerStep) == 0
        && (DenseLayers is null || Array.IndexOf(DenseLayers, layer) < 0);
}

/// <summary>Multi-head latent attention ranks (DeepSeek-V2/V3).</summary>
public sealed record MlaSpec
{
    /// <summary>Rank of the query down-projection; null when queries are projected directly (DeepSeek-V2-Lite).</summary>
    public int? QLoraRank { get; init; }

    public required int KvLoraRank { get; init; }

    public required int QkNopeHeadDim { get; init; }

    public required int QkRopeHeadDim { get; init; }

    public required int VHeadDim { get; init; }
}

/// <summary>
/// Local attention on some layers: sliding-window layers attend to only the last <see cref="WindowTokens"/> tokens; chunked
/// layers (<see cref="Chunked"/>, Llama 4) attend only within their fixed chunk of <see cref="WindowTokens"/> positions.
/// </summary>
public sealed record SlidingWindowSpec
{
    /// <summary>The window (sliding) or chunk (chunked) length in tokens.</summary>
    public required int WindowTokens { get; init; }

    /// <summary>
    /// The local layers attend within fixed chunks of <see cref="WindowTokens"/> positions (Llama 4's <c>attention_chunk_size</c>)
    /// instead of a window that slides with each token. Caches keep the same number of tokens either way, except vLLM, which
    /// sizes a chunked layer's request differently; parameter counts do not change.
    /// </summary>
    public bool Chunked { get; init; }

    /// <summary>
    /// Every this-many-th layer is global (layer i is global when (i + 1) is a multiple of it):
    /// 0 = every layer slides (Mistral 7B v0.1), 2 = alternate (Gemma 2, gpt-oss), 4 = three local then one global (Cohere2,
    /// Llama 4), 6 = five local then one global (Gemma 3).
    /// </summary>
    public int GlobalLayerPeriod { get; init; }

    public bool IsSlidingLayer(int layer) => GlobalLayerPeriod <= 0 || (layer + 1) % GlobalLayerPeriod != 0;
}
