using LlmSizer.Formats.Gguf;
using LlmSizer.Tests.Support;

namespace LlmSizer.Tests.Inference.LlamaCpp;

/// <summary>
/// A small model of a real architecture for llama.cpp to load: the layout (metadata keys, tensor names and shapes) of
/// llama.cpp's tensor tables for the architecture, with small dimensions so the file is a few MB and loads in
/// milliseconds. The tensor data is zeros (the file is sparse); llama.cpp only needs to load it and build the graph.
/// </summary>
/// <param name="Id">Case name, e.g. <c>llama-gqa-f16</c>.</param>
/// <param name="Shape">Dimensions and layout flags (the same record the GGUF reader tests use).</param>
/// <param name="WeightType">ggml type of the 2-D matrices (attention, MLP, experts, token embedding).</param>
/// <param name="OutputType">ggml type of the untied output matrix.</param>
internal sealed record LlamaCppTestModel(string Id, GgufShape Shape, string WeightType, string OutputType, bool Mmap = true)
{
    public override string ToString() => Id;

    /// <summary>Writes the model to <paramref name="path"/> (sparse: only the header takes disk).</summary>
    public string Write(string path) => Writer().Write(path);

    /// <summary>
    /// The writer: GgufModels' layout with the matrix types chosen here, and a tokenizer llama.cpp can build (a BPE
    /// vocabulary with an empty merge list loads, where the readers' token-only list does not).
    /// </summary>
    public GgufWriter Writer() =>
        GgufModels.Writer(Shape, TypeFor, Fits(OutputType, Shape.Hidden) ? OutputType : TypeFor(Shape.Hidden), loadableTokenizer: true);

    /// <summary>The weight type when a row of <paramref name="rowLength"/> is whole blocks of it, else Q8_0 or F16 (as quantizers fall back).</summary>
    private string TypeFor(long rowLength) =>
        Fits(WeightType, rowLength) ? WeightType : rowLength % 32 == 0 ? "Q8_0" : "F16";

    private static bool Fits(string type, long rowLength) =>
        rowLength % LlmSizer.Precision.GgmlType.FromName(type)!.BlockElements == 0;
}

/// <summary>The models the llama.cpp validation loads: each real architecture's layout at small size.</summary>
internal static class LlamaCppTestModels
{
    private static readonly string[] GemmaNorms = ["attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm"];

    /// <summary>Llama-style GQA decoder (Llama 3 layout), untied output.</summary>
    public static GgufShape LlamaGqa => new()
    {
        Arch = "llama", Name = "llama-gqa", Vocab = 32_000, Hidden = 512, Layers = 4, Heads = 8, KvHeads = 2, Ffn = 1536, Context = 32_768,
    };

    /// <summary>Llama-2-style multi-head attention (KV heads = heads), tied embeddings.</summary>
    public static GgufShape LlamaMhaTied => new()
    {
        Arch = "llama", Name = "llama-mha", Vocab = 32_000, Hidden = 256, Layers = 4, Heads = 4, KvHeads = 4, Ffn = 768, Context = 32_768, Tied = true,
    };

    /// <summary>Qwen2 layout: q/k/v biases, GQA, tied embeddings.</summary>
    public static GgufShape Qwen2 => new()
    {
        Arch = "qwen2", Name = "qwen2", Vocab = 32_768, Hidden = 256, Layers = 4, Heads = 8, KvHeads = 2, Ffn = 1024, Context = 32_768, Tied = true, QkvBias = true,
    };

    /// <summary>Falcon-7B layout: multi-query attention (one KV head), fused qkv, plain GELU MLP, LayerNorm, parallel blocks.</summary>
    public static GgufShape FalconMqa => new()
    {
        Arch = "falcon", Name = "falcon-mqa", Vocab = 32_768, Hidden = 256, Layers = 4, Heads = 8, KvHeads = 1, Ffn = 1024, Context = 32_768,
        Tied = true, LayerNorm = true, Gated = false, FusedQkv = true, BlockNorms = ["attn_norm"],
    };

    /// <summary>Gemma 2 layout: alternating sliding-window (512 tokens) and global layers, four norms per layer, tied.</summary>
    public static GgufShape Gemma2Swa => new()
    {
        Arch = "gemma2", Name = "gemma2-swa", Vocab = 32_000, Hidden = 256, Layers = 4, Heads = 4, KvHeads = 2, HeadDim = 64, Ffn = 1024,
        Context = 32_768, Tied = true, SlidingWindow = 512, BlockNorms = GemmaNorms,
    };

    /// <summary>Gemma 3 layout: five sliding-window (512 tokens) layers then one global (layer 5 of 8), q/k norms, tied.</summary>
    public static GgufShape Gemma3Swa => new()
    {
        Arch = "gemma3", Name = "gemma3-swa", Vocab = 32_000, Hidden = 256, Layers = 8, Heads = 4, KvHeads = 1, HeadDim = 64, Ffn = 1024,
        Context = 32_768, Tied = true, QkNorm = true, SlidingWindow = 512, BlockNorms = GemmaNorms,
    };

    /// <summary>
    /// Cohere2 (Command R7B) layout: three sliding-window (512 tokens) layers then one global (pattern 4), one weight-only
    /// LayerNorm per layer feeding attention and MLP in parallel, head size hidden / heads, tied embeddings, logits scaled by
    /// Command R7B's logit_scale of 0.25.
    /// </summary>
    public static GgufShape Cohere2Swa => new()
    {
        Arch = "cohere2", Name = "cohere2-swa", Vocab = 32_000, Hidden = 256, Layers = 8, Heads = 4, KvHeads = 1, Ffn = 1024,
        Context = 32_768, Tied = true, LayerNorm = true, LayerNormBias = false, BlockNorms = ["attn_norm"], SlidingWindow = 512,
        LogitScale = 0.25f,
    };

    /// <summary>
    /// Llama 4 (Maverick) layout: three chunked-attention layers then one global (llama.cpp's chunk of 8192 tokens), experts
    /// on every second layer (interleave_moe_layer_step 2) with one routed expert per token and one shared expert of the expert
    /// size, dense MLPs of a wider feed_forward_length between them, untied.
    /// </summary>
    public static GgufShape Llama4Chunked => new()
    {
        Arch = "llama4", Name = "llama4-chunked", Vocab = 32_000, Hidden = 256, Layers = 8, Heads = 4, KvHeads = 2, HeadDim = 64, Ffn = 1024,
        Context = 32_768, Experts = 16, ExpertsUsed = 1, ExpertFfn = 512, SharedExperts = 1, MoeLayerStep = 2,
    };

    /// <summary>Llama 4 layout with a small vocabulary and a wide dense MLP, so that the dense layers rather than the logits set the compute peak.</summary>
    public static GgufShape Llama4WideMlp => Llama4Chunked with { Name = "llama4-wide-mlp", Vocab = 2048, Ffn = 2048 };

    /// <summary>Llama-2-7B's proportions (MHA, FFN 2.75 × hidden, 4 × FFN > vocabulary): the MLP, not the logits, sets the compute peak.</summary>
    public static GgufShape LlamaWideMlp => new()
    {
        Arch = "llama", Name = "llama-wide-mlp", Vocab = 8192, Hidden = 1024, Layers = 2, Heads = 16, KvHeads = 16, Ffn = 2816, Context = 32_768,
    };

    /// <summary>Qwen3-MoE layout with wide experts and a small vocabulary, so the experts set the compute peak.</summary>
    public static GgufShape Qwen3MoeWide => new()
    {
        Arch = "qwen3moe", Name = "qwen3moe-wide", Vocab = 8192, Hidden = 512, Layers = 2, Heads = 8, KvHeads = 2, HeadDim = 64, Ffn = 2048,
        Context = 32_768, QkNorm = true, Experts = 8, ExpertsUsed = 2, ExpertFfn = 1536,
    };

    /// <summary>Qwen3-MoE layout: 8 routed experts, 2 per token, q/k norms, GQA, untied.</summary>
    public static GgufShape Qwen3Moe => new()
    {
        Arch = "qwen3moe", Name = "qwen3moe", Vocab = 32_000, Hidden = 256, Layers = 4, Heads = 8, KvHeads = 2, HeadDim = 32, Ffn = 768,
        Context = 32_768, QkNorm = true, Experts = 8, ExpertsUsed = 2, ExpertFfn = 256,
    };

    /// <summary>
    /// Qwen3-Next layout at Qwen3-Next-80B-A3B's proportions: three Gated DeltaNet layers then one gated-attention layer
    /// (full_attention_interval 4), key heads × key size = hidden, value heads × value size = 2 × hidden, fewer key than value
    /// heads, head_dim = hidden / 4 in the attention layers, and a routed MoE with a gated shared expert on every layer.
    /// </summary>
    public static GgufShape Qwen3Next => new()
    {
        Arch = "qwen3next", Name = "qwen3next", Vocab = 32_000, Hidden = 256, Layers = 4, Heads = 4, KvHeads = 2, HeadDim = 64, Ffn = 512,
        Context = 32_768, QkNorm = true, Experts = 8, ExpertsUsed = 2, ExpertFfn = 64, SharedExpertFfn = 64, BlockNorms = QwenNextNorms,
        SsmConv = 4, SsmState = 64, SsmGroups = 4, SsmHeads = 8, SsmInner = 512,
    };

    /// <summary>
    /// Qwen3-Next layout with as many key heads as value heads, one small expert per token and a small vocabulary, so that a
    /// Gated DeltaNet layer (its convolution over q, k and v) sets the compute peak rather than the logits or the experts.
    /// </summary>
    public static GgufShape Qwen3NextWideState => Qwen3Next with
    {
        Name = "qwen3next-wide-state", Vocab = 2048, ExpertsUsed = 1, SsmGroups = 8,
    };

    private static readonly string[] QwenNextNorms = ["attn_norm", "post_attention_norm"];

    /// <summary>
    /// Granite-4.0-H layout at Granite-4.0-H-Tiny's proportions: three Mamba-2 layers then one attention layer (marked by the
    /// per-layer KV head count), inner = 2 × hidden in heads of 64, one B/C group, every layer a MoE with an ungated shared MLP,
    /// tied embeddings.
    /// </summary>
    public static GgufShape GraniteHybrid => new()
    {
        Arch = "granitehybrid", Name = "granitehybrid", Vocab = 32_000, Hidden = 256, Layers = 4, Heads = 4, KvHeads = 2, Ffn = 128,
        Context = 32_768, Tied = true, Experts = 8, ExpertsUsed = 2, ExpertFfn = 128, SharedExpertFfn = 128,
        SsmConv = 4, SsmState = 32, SsmGroups = 1, SsmHeads = 8, SsmInner = 512,
    };

    /// <summary>
    /// Granite-4.0-H layout with a larger state, two groups, one small expert of 64 per token and a small vocabulary: a Mamba-2
    /// layer sets the compute peak.
    /// </summary>
    public static GgufShape GraniteHybridWideState => GraniteHybrid with
    {
        Name = "granitehybrid-wide-state", Vocab = 2048, Experts = 64, ExpertsUsed = 1, Ffn = 64, ExpertFfn = 64, SharedExpertFfn = 64,
        SsmState = 128, SsmGroups = 2, SsmHeads = 16,
    };

    /// <summary>
    /// LFM2 layout at LFM2-1.2B's proportions: short-convolution layers with attention at layers 2 and 5 (marked by the per-layer
    /// KV head count), q/k norms, a wide gated MLP (4 × hidden), tied embeddings.
    /// </summary>
    public static GgufShape Lfm2 => new()
    {
        Arch = "lfm2", Name = "lfm2", Vocab = 32_000, Hidden = 256, Layers = 6, Heads = 4, KvHeads = 2, Ffn = 1024,
        Context = 32_768, Tied = true, QkNorm = true, SsmConv = 3, AttentionLayers = [2, 5],
    };

    /// <summary>LFM2 layout with a narrow MLP and a small vocabulary, so that a short-convolution layer can set the compute peak.</summary>
    public static GgufShape Lfm2NarrowMlp => Lfm2 with { Name = "lfm2-narrow-mlp", Vocab = 2048, Ffn = 128 };
}
