using System.Runtime.CompilerServices;
using LlmSizer.Errors;
using LlmSizer.Models;

namespace LlmSizer.Formats.Gguf;

/// <summary>What a tensor of a GGUF layout is for; the quantizers decide from it what to quantize.</summary>
public enum GgufTensorRole
{
    /// <summary><c>token_embd</c>: the token-embedding matrix.</summary>
    TokenEmbedding,
    /// <summary><c>position_embd</c>: a learned absolute position table (GPT-2).</summary>
    PositionEmbedding,
    /// <summary><c>output</c>: the LM head.</summary>
    Output,
    /// <summary>A norm's weight or bias (1-D).</summary>
    Norm,
    /// <summary>A projection's bias (1-D, or 2-D for stacked experts).</summary>
    Bias,
    /// <summary>A linear projection: attention q/k/v/o (fused or not), MLA projections, a dense or shared-expert MLP matrix.</summary>
    Projection,
    /// <summary>The routed experts of one layer, stacked into one 3-D tensor (<c>ffn_*_exps</c>).</summary>
    Experts,
    /// <summary>An expert router (<c>ffn_gate_inp</c>) or Qwen2-MoE's shared-expert gate (<c>ffn_gate_inp_shexp</c>).</summary>
    Router,
    /// <summary>Anything else: gpt-oss's attention sinks.</summary>
    Other,
}

/// <summary>
/// One tensor as llama.cpp's converter writes it. <see cref="Shape"/> lists dimensions outermost first, as
/// <see cref="TensorInfo"/> does (GGUF stores them innermost first), so a linear layer is <c>[out, in]</c> and its row
/// length — GGUF's <c>ne[0]</c>, which every quantization block must divide — is the last dimension.
/// </summary>
/// <param name="Name">llama.cpp's tensor name, e.g. <c>blk.3.attn_q.weight</c>.</param>
/// <param name="Shape">Dimensions, outermost first; element counts.</param>
/// <param name="Role">What the tensor is for.</param>
/// <param name="Layer">The block number of a <c>blk.N.</c> tensor; -1 for the others.</param>
public sealed record GgufLayoutTensor(string Name, IReadOnlyList<long> Shape, GgufTensorRole Role, int Layer)
{
    /// <summary>Values the tensor holds: the product of <see cref="Shape"/>.</summary>
    public long Elements { get; } = Product(Shape);

    private static long Product(IReadOnlyList<long> shape)
    {
        long product = 1;
        for (int i = 0; i < shape.Count; i++)
            product = checked(product * shape[i]);
        return product;
    }

    /// <summary>GGUF's <c>ne[0]</c>: the length of one row, which a quantization block must divide.</summary>
    public long RowLength => Shape[^1];

    /// <summary>ggml's dimension count (1 for vectors, 2 for matrices, 3 for stacked experts or MLA's per-head tensors).</summary>
    public int Dimensions => Shape.Count;
}

/// <summary>Choices a conversion makes that the architecture does not decide.</summary>
public sealed record GgufLayoutOptions
{
    /// <summary>
    /// Store <c>output.weight</c> even though the head is tied to the embedding, as conversions of checkpoints that saved
    /// <c>lm_head.weight</c> beside the embedding do (Falcon's 2023 GGUFs, made from its PyTorch .bin files). GPT-2's
    /// converter always does.
    /// </summary>
    public bool StoreTiedOutput { get; init; }

    /// <summary>
    /// Write a Gated DeltaNet layer's q, k, v and z projection as one <c>ssm_in</c> (Qwen3-Next's in_proj_qkvz, as converted
    /// before llama.cpp split it into <c>attn_qkv</c> and <c>attn_gate</c>; the loader still accepts it). Same values; llama-quantize
    /// treats <c>ssm_in</c> as an ordinary matrix rather than an attn_qkv, so the _M mixes give it fewer bits.
    /// </summary>
    public bool FusedGatedDeltaNetInput { get; init; }

    public static GgufLayoutOptions Default { get; } = new();
}

/// <summary>
/// The tensors llama.cpp's converter (<c>convert_hf_to_gguf.py</c>) writes for a <see cref="ModelSpec"/>: names, shapes and
/// roles, per architecture, as llama.cpp's tensor tables and model loader (<c>src/llama-model.cpp</c>, <c>src/models/*.cpp</c>,
/// gguf-py <c>constants.py</c>) name them. Elements sum to <see cref="ParameterCounter"/>'s total, except that GPT-2's converter
/// also stores its tied output matrix. Not modelled: buffers computed from the config (Llama 3.1's <c>rope_freqs</c>, Phi-3's
/// LongRoPE factors, a few hundred bytes) and DeepSeek-V3's multi-token-prediction layer, which the converter leaves out.
/// </summary>
public static class GgufLayout
{
    /// <summary>The Hugging Face <c>model_type</c>s laid out here, with llama.cpp's architecture name for each.</summary>
    private static readonly Dictionary<string, string> Architectures = new(StringComparer.OrdinalIgnoreCase)
    {
        ["llama"] = "llama", ["mistral"] = "llama", ["mixtral"] = "llama",
        ["qwen2"] = "qwen2", ["qwen2_moe"] = "qwen2moe", ["qwen3"] = "qwen3", ["qwen3_moe"] = "qwen3moe",
        ["gemma"] = "gemma", ["gemma2"] = "gemma2", ["gemma3"] = "gemma3", ["gemma3_text"] = "gemma3",
        ["phi3"] = "phi3",
        ["deepseek_v2"] = "deepseek2", ["deepseek_v3"] = "deepseek2",
        ["gpt_oss"] = "gpt-oss",
        ["gpt2"] = "gpt2",
        ["falcon"] = "falcon",
        ["cohere2"] = "cohere2",
        ["llama4"] = "llama4", ["llama4_text"] = "llama4",
        ["qwen3_next"] = "qwen3next",
        ["granitemoehybrid"] = "granitehybrid",
        ["lfm2"] = "lfm2",
    };

    /// <summary>The <c>model_type</c>s this layout knows, in the spelling <see cref="ModelSpec.Architecture"/> uses.</summary>
    public static IReadOnlyList<string> SupportedArchitectures { get; } = Architectures.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Whether llama.cpp's layout of <paramref name="spec"/>'s architecture is modelled.</summary>
    public static bool Supports(ModelSpec spec) => Architectures.ContainsKey(spec.Architecture);

    /// <summary>llama.cpp's <c>general.architecture</c> for <paramref name="spec"/> (<c>llama</c> for Mistral and Mixtral), or null.</summary>
    public static string? LlamaCppArchitecture(ModelSpec spec) => Architectures.GetValueOrDefault(spec.Architecture);

    /// <summary>
    /// Every tensor the converter writes for <paramref name="spec"/>, in file order: <c>token_embd</c>, <c>position_embd</c>,
    /// the blocks, <c>output_norm</c>, <c>output</c>. An architecture llama.cpp's layout is not modelled for is a
    /// <see cref="UsageException"/>.
    /// </summary>
    public static IReadOnlyList<GgufLayoutTensor> Tensors(ModelSpec spec) =>
        DefaultLayouts.TryGetValue(spec, out var known) ? known : DefaultLayouts.GetValue(spec, s => Tensors(s, GgufLayoutOptions.Default));

    /// <summary>
    /// Default layouts by spec object: a layout is a pure function of an immutable spec, so predicting another weights type of
    /// the same model reuses it. Weak keys: an entry lives as long as its spec.
    /// </summary>
    private static readonly ConditionalWeakTable<ModelSpec, IReadOnlyList<GgufLayoutTensor>> DefaultLayouts = [];

    /// <summary>Every tensor the converter writes for <paramref name="spec"/>, with the layout choices in <paramref name="options"/>.</summary>
    public static IReadOnlyList<GgufLayoutTensor> Tensors(ModelSpec spec, GgufLayoutOptions options)
    {
        ModelSpecValidator.Validate(spec);
        string arch = LlamaCppArchitecture(spec) ?? throw new UsageException(
            $"architecture \"{spec.Architecture}\": llama.cpp's GGUF layout is modelled for {string.Join(", ", SupportedArchitectures)}");
        // Read-only: a layout may be shared between callers.
        return new Builder(spec, arch, options).Build().AsReadOnly();
    }

    /// <summary>
    /// The same layout, under llama.cpp's names, for any spec, including architectures llama.cpp's own layout is not modelled for
    /// (OPT, BLOOM, GPT-NeoX, OLMo…): separate q/k/v, the spec's norms, biases and embeddings. The Hugging Face side of
    /// <c>WeightsPrediction</c> starts from it; it is not a claim about a GGUF file.
    /// </summary>
    internal static IReadOnlyList<GgufLayoutTensor> AnyArchitecture(ModelSpec spec)
    {
        ModelSpecValidator.Validate(spec);
        return new Builder(spec, LlamaCppArchitecture(spec) ?? "generic", GgufLayoutOptions.Default).Build();
    }

    /// <summary>
    /// A block tensor's name from the dot after its number (<c>blk.3.attn_q.weight</c> → <c>.attn_q.weight</c>), any other name
    /// whole: what every block's tensor of one kind shares, so that per-tensor work on names can be done once per kind.
    /// </summary>
    internal static ReadOnlySpan<char> KindOf(string name)
    {
        if (!name.StartsWith("blk.", StringComparison.Ordinal))
            return name;
        int end = 4;
        while (end < name.Length && char.IsAsciiDigit(name[end]))
            end++;
        return end > 4 && end < name.Length && name[end] == '.' ? name.AsSpan(end) : name;
    }

    /// <summary>GGUF's default alignment of the data section and of each tensor in it (<c>general.alignment</c>), in bytes.</summary>
    public const int DefaultAlignment = 32;

    /// <summary>The fixed start of a GGUF file: magic, version, tensor count and metadata count (4 + 4 + 8 + 8 bytes).</summary>
    public const int FixedHeaderBytes = 24;

    /// <summary>
    /// Bytes of the tensor-info entries of <paramref name="inventory"/>'s tensors: per tensor the name (8-byte length + UTF-8),
    /// the dimension count (4), each dimension (8), the type id (4) and the data offset (8), as ggml's <c>docs/gguf.md</c> lays them out.
    /// </summary>
    public static long TensorInfoBytes(TensorInventory inventory) =>
        inventory.Tensors.Sum(t => 8L + System.Text.Encoding.UTF8.GetByteCount(t.Name) + 4 + 8L * t.Shape.Count + 4 + 8);

    /// <summary>Bytes of the data section: each tensor's bytes padded to <paramref name="alignment"/>, as llama-quantize writes them.</summary>
    public static long DataBytes(TensorInventory inventory, int alignment = DefaultAlignment) =>
        inventory.Tensors.Sum(t => Pad(t.Bytes, alignment));

    /// <summary>
    /// Bytes of the whole file: the fixed header, <paramref name="metadataBytes"/> of key/value metadata (tokenizer, chat template,
    /// hyperparameters; not derivable from a spec), the tensor infos, padding to <paramref name="alignment"/>, and the data section.
    /// </summary>
    public static long FileBytes(TensorInventory inventory, long metadataBytes, int alignment = DefaultAlignment) =>
        Pad(FixedHeaderBytes + metadataBytes + TensorInfoBytes(inventory), alignment) + DataBytes(inventory, alignment);

    private static long Pad(long bytes, int alignment) => (bytes + alignment - 1) / alignment * alignment;

    private sealed class Builder(ModelSpec spec, string arch, GgufLayoutOptions options)
    {
        // A block has a dozen tensors or so; sizing the list up front spares its regrowth copies.
        private readonly List<GgufLayoutTensor> tensors = new(16 * spec.Layers + 8);
        private readonly long h = spec.HiddenSize;
        private readonly bool layerNorm = spec.Norm == NormKind.LayerNorm;
        private readonly bool normless = spec.Norm == NormKind.NonParametric;
        private string[]? blockNorms;

        public List<GgufLayoutTensor> Build()
        {
            long embedWidth = spec.EmbeddingProjectionSize ?? h;
            Add("token_embd.weight", GgufTensorRole.TokenEmbedding, -1, spec.VocabSize, embedWidth);
            if (spec.Positions == PositionEncoding.Learned && spec.LearnedPositions > 0)
                Add("position_embd.weight", GgufTensorRole.PositionEmbedding, -1, spec.LearnedPositions, h);
            if (spec.EmbeddingProjectionSize is { } projection)
            {
                // OPT-350m: embeddings live in a smaller space, projected in to and out of the hidden size.
                Add("project_in.weight", GgufTensorRole.Other, -1, h, projection);
                Add("project_out.weight", GgufTensorRole.Other, -1, projection, h);
            }
            if (spec.EmbeddingNorm)
                Norm("", "token_embd_norm", -1, h);

            for (int i = 0; i < spec.Layers; i++)
                Block(i);

            if (spec.FinalNorm)
                Norm("", arch == "lfm2" ? "token_embd_norm" : "output_norm", -1, h); // LFM2: llama.cpp's LLM_TENSOR_OUTPUT_NORM_LFM2
            // GPT-2 ties its head to the embedding, but llama.cpp's GPT-2 converter writes the matrix a second time as output.
            if (!spec.TiedEmbeddings || arch == "gpt2" || options.StoreTiedOutput)
                Add("output.weight", GgufTensorRole.Output, -1, spec.VocabSize, embedWidth);
            if (spec.Biases.LmHead)
                Add("output.bias", GgufTensorRole.Bias, -1, spec.VocabSize);
            return tensors;
        }

        private void Block(int i)
        {
            string p = $"blk.{i}.";
            foreach (string norm in blockNorms ??= BlockNorms())
                Norm(p, norm, i, h);

            if (spec.Mla is { } mla)
                LatentAttention(p, i, mla);
            else if (spec.Recurrent is { } recurrent && recurrent.MixerAt(i) == LayerMixer.Recurrent)
                Recurrent(p, i, recurrent);
            else if (spec.IsAttentionLayer(i))
                Attention(p, i);

            if (!spec.HasMlpAt(i))
                return;
            if (spec.IsMoeLayer(i) && spec.Moe is { } moe)
                Experts(p, i, moe);
            else
                DenseMlp(p, i, spec.FfnSize);
        }

        /// <summary>
        /// A recurrent layer as llama.cpp's converter writes it. Gated DeltaNet (qwen3next, src/models/qwen3next.cpp): the q/k/v
        /// projection <c>attn_qkv</c> and the output gate <c>attn_gate</c> (split from Qwen3-Next's in_proj_qkvz), the depthwise
        /// convolution <c>ssm_conv1d</c> [channels, kernel] (kept in F32), <c>ssm_dt.bias</c> and <c>ssm_a</c> per value head,
        /// β and α in one <c>ssm_ba</c>, the gated norm <c>ssm_norm</c> of one value head, and <c>ssm_out</c>.
        /// </summary>
        private void Recurrent(string p, int i, RecurrentSpec r)
        {
            long inner = r.InnerSize, channels = r.ConvChannels(spec.HiddenSize), heads = r.Heads;
            if (r.Kind == RecurrentKind.Mamba2)
            {
                Mamba2(p, i, r, inner, channels, heads);
                return;
            }
            if (r.Kind == RecurrentKind.ShortConv)
            {
                // LFM2 (src/models/lfm2.cpp): in_proj to B, C and x, the depthwise kernel [hidden, l_cache] (F32), out_proj.
                Add(p + "shortconv.conv.weight", GgufTensorRole.Other, i, h, r.ConvKernel);
                if (r.ConvBias)
                    Add(p + "shortconv.conv.bias", GgufTensorRole.Bias, i, h);
                Add(p + "shortconv.in_proj.weight", GgufTensorRole.Projection, i, 3 * h, h);
                if (r.ProjectionBias)
                    Add(p + "shortconv.in_proj.bias", GgufTensorRole.Bias, i, 3 * h);
                Add(p + "shortconv.out_proj.weight", GgufTensorRole.Projection, i, h, h);
                if (r.ProjectionBias)
                    Add(p + "shortconv.out_proj.bias", GgufTensorRole.Bias, i, h);
                return;
            }
            if (r.Kind != RecurrentKind.GatedDeltaNet)
                throw new UsageException($"architecture \"{spec.Architecture}\": llama.cpp's layout of {r.Kind} layers is not modelled");
            if (options.FusedGatedDeltaNetInput)
            {
                Add(p + "ssm_in.weight", GgufTensorRole.Projection, i, channels + inner, h);
            }
            else
            {
                Add(p + "attn_qkv.weight", GgufTensorRole.Projection, i, channels, h);
                Add(p + "attn_gate.weight", GgufTensorRole.Projection, i, inner, h);
            }
            Add(p + "ssm_conv1d.weight", GgufTensorRole.Other, i, channels, r.ConvKernel);
            Add(p + "ssm_dt.bias", GgufTensorRole.Bias, i, heads);
            Add(p + "ssm_a", GgufTensorRole.Other, i, heads);
            Add(p + "ssm_ba.weight", GgufTensorRole.Projection, i, 2 * heads, h);
            Norm(p, "ssm_norm", i, r.HeadDim);
            Add(p + "ssm_out.weight", GgufTensorRole.Projection, i, h, inner);
        }

        /// <summary>The per-layer norms under llama.cpp's names, in the order the block applies them (worked out once per layout).</summary>
        private string[] BlockNorms()
        {
            string[] names = (arch, spec.NormsPerLayer) switch
            {
                (_, 0) => [],
                ("gpt-oss" or "qwen3next", 2) => ["attn_norm", "post_attention_norm"],
                ("falcon", 2) => ["attn_norm", "attn_norm_2"],
                (_, 1) => ["attn_norm"],
                (_, 2) => ["attn_norm", "ffn_norm"],
                (_, 4) => ["attn_norm", "post_attention_norm", "ffn_norm", "post_ffw_norm"],
                _ => throw new UsageException($"architecture \"{spec.Architecture}\": {spec.NormsPerLayer} norms per layer have no llama.cpp names"),
            };
            return names;
        }

        private void Attention(string p, int i)
        {
            long hd = spec.EffectiveHeadDim;
            // k and v are as wide as this layer's KV heads (llama.cpp's loader sizes them from n_embd_k_gqa(il)); a layer
            // without KV heads has no k or v tensors.
            long q = spec.AttentionHeads * hd, kv = spec.KeyValueHeadsAt(i) * hd;
            // Gated attention (Qwen3-Next): attn_q also yields the output gate, twice the query width.
            long qOut = spec.AttentionOutputGate ? 2 * q : q;
            // Phi-3, GPT-2 and Falcon keep q, k and v in one matrix, as their checkpoints do.
            if (arch is "phi3" or "gpt2" or "falcon")
            {
                Add(p + "attn_qkv.weight", GgufTensorRole.Projection, i, q + 2 * kv, h);
                if (spec.Biases.Qkv)
                    Add(p + "attn_qkv.bias", GgufTensorRole.Bias, i, q + 2 * kv);
            }
            else
            {
                Add(p + "attn_q.weight", GgufTensorRole.Projection, i, qOut, h);
                if (kv > 0)
                {
                    Add(p + "attn_k.weight", GgufTensorRole.Projection, i, kv, h);
                    Add(p + "attn_v.weight", GgufTensorRole.Projection, i, kv, h);
                }
                if (spec.Biases.Qkv)
                {
                    Add(p + "attn_q.bias", GgufTensorRole.Bias, i, q);
                    if (kv > 0)
                    {
                        Add(p + "attn_k.bias", GgufTensorRole.Bias, i, kv);
                        Add(p + "attn_v.bias", GgufTensorRole.Bias, i, kv);
                    }
                }
            }
            Add(p + "attn_output.weight", GgufTensorRole.Projection, i, h, q);
            if (spec.Biases.AttentionOutput)
                Add(p + "attn_output.bias", GgufTensorRole.Bias, i, h);

            switch (spec.QkNorm)
            {
                case QkNormKind.PerHead:
                    Norm(p, "attn_q_norm", i, hd);
                    Norm(p, "attn_k_norm", i, hd);
                    break;
                case QkNormKind.FullWidth:
                    Norm(p, "attn_q_norm", i, q);
                    if (kv > 0)
                        Norm(p, "attn_k_norm", i, kv);
                    break;
            }
            if (spec.AttentionSinks)
                Add(p + "attn_sinks.weight", GgufTensorRole.Other, i, spec.AttentionHeads);
        }

        /// <summary>
        /// A Mamba-2 layer (Granite-4.0-H, src/models/granite-hybrid.cpp): <c>ssm_in</c> to z, x, B, C and dt, the convolution over x,
        /// B and C [channels, kernel] with its bias, <c>ssm_dt.bias</c>, <c>ssm_a</c> and <c>ssm_d</c> as [1, heads] (no suffix), the
        /// gated norm as [groups, inner / groups], <c>ssm_out</c>.
        /// </summary>
        private void Mamba2(string p, int i, RecurrentSpec r, long inner, long channels, long heads)
        {
            Add(p + "ssm_in.weight", GgufTensorRole.Projection, i, 2 * inner + 2L * r.Groups * r.StateSize + heads, h);
            if (r.ProjectionBias)
                Add(p + "ssm_in.bias", GgufTensorRole.Bias, i, 2 * inner + 2L * r.Groups * r.StateSize + heads);
            Add(p + "ssm_conv1d.weight", GgufTensorRole.Other, i, channels, r.ConvKernel);
            if (r.ConvBias)
                Add(p + "ssm_conv1d.bias", GgufTensorRole.Bias, i, channels);
            Add(p + "ssm_dt.bias", GgufTensorRole.Bias, i, heads);
            Add(p + "ssm_a", GgufTensorRole.Other, i, heads, 1);
            Add(p + "ssm_d", GgufTensorRole.Other, i, heads, 1);
            Add(p + "ssm_norm.weight", GgufTensorRole.Norm, i, r.Groups, inner / r.Groups);
            Add(p + "ssm_out.weight", GgufTensorRole.Projection, i, h, inner);
            if (r.ProjectionBias)
                Add(p + "ssm_out.bias", GgufTensorRole.Bias, i, h);
        }

        /// <summary>
        /// DeepSeek's multi-head latent attention as converted since llama.cpp's MLA rework: kv_b split per head into
        /// <c>attn_k_b</c> [heads, kv_lora_rank, nope] (transposed for the absorbed product) and <c>attn_v_b</c> [heads, v, kv_lora_rank].
        /// </summary>
        private void LatentAttention(string p, int i, MlaSpec mla)
        {
            long heads = spec.AttentionHeads, qHead = mla.QkNopeHeadDim + mla.QkRopeHeadDim;
            if (mla.QLoraRank is { } qr)
            {
                Add(p + "attn_q_a.weight", GgufTensorRole.Projection, i, qr, h);
                if (spec.Biases.Qkv)
                    Add(p + "attn_q_a.bias", GgufTensorRole.Bias, i, qr);
                Norm(p, "attn_q_a_norm", i, qr);
                Add(p + "attn_q_b.weight", GgufTensorRole.Projection, i, heads * qHead, qr);
            }
            else
            {
                Add(p + "attn_q.weight", GgufTensorRole.Projection, i, heads * qHead, h);
            }
            Add(p + "attn_kv_a_mqa.weight", GgufTensorRole.Projection, i, mla.KvLoraRank + mla.QkRopeHeadDim, h);
            if (spec.Biases.Qkv)
                Add(p + "attn_kv_a_mqa.bias", GgufTensorRole.Bias, i, mla.KvLoraRank + mla.QkRopeHeadDim);
            Norm(p, "attn_kv_a_norm", i, mla.KvLoraRank);
            Add(p + "attn_k_b.weight", GgufTensorRole.Projection, i, heads, mla.KvLoraRank, mla.QkNopeHeadDim);
            Add(p + "attn_v_b.weight", GgufTensorRole.Projection, i, heads, mla.VHeadDim, mla.KvLoraRank);
            Add(p + "attn_output.weight", GgufTensorRole.Projection, i, h, heads * mla.VHeadDim);
            if (spec.Biases.AttentionOutput)
                Add(p + "attn_output.bias", GgufTensorRole.Bias, i, h);
        }

        private void DenseMlp(string p, int i, long f)
        {
            bool bias = spec.Biases.Mlp;
            if (arch == "phi3")
            {
                // Phi-3 stores gate and up as one gate_up_proj; llama.cpp keeps it as one ffn_up of 2 × ffn rows.
                Add(p + "ffn_up.weight", GgufTensorRole.Projection, i, 2 * f, h);
                if (bias)
                    Add(p + "ffn_up.bias", GgufTensorRole.Bias, i, 2 * f);
            }
            else
            {
                if (spec.Mlp == MlpKind.Gated)
                {
                    Add(p + "ffn_gate.weight", GgufTensorRole.Projection, i, f, h);
                    if (bias)
                        Add(p + "ffn_gate.bias", GgufTensorRole.Bias, i, f);
                }
                Add(p + "ffn_up.weight", GgufTensorRole.Projection, i, f, h);
                if (bias)
                    Add(p + "ffn_up.bias", GgufTensorRole.Bias, i, f);
            }
            Add(p + "ffn_down.weight", GgufTensorRole.Projection, i, h, f);
            if (bias)
                Add(p + "ffn_down.bias", GgufTensorRole.Bias, i, h);
        }

        private void Experts(string p, int i, MoeSpec moe)
        {
            long e = moe.RoutedExperts, fe = moe.ExpertFfnSize;
            bool bias = spec.Biases.Mlp, gated = spec.Mlp == MlpKind.Gated;
            Add(p + "ffn_gate_inp.weight", GgufTensorRole.Router, i, e, h);
            if (moe.RouterBias)
                Add(p + "ffn_gate_inp.bias", GgufTensorRole.Bias, i, e);
            if (moe.RouterScoreCorrectionBias)
                Add(p + "exp_probs_b.bias", GgufTensorRole.Bias, i, e);

            if (gated)
                Add(p + "ffn_gate_exps.weight", GgufTensorRole.Experts, i, e, fe, h);
            Add(p + "ffn_up_exps.weight", GgufTensorRole.Experts, i, e, fe, h);
            Add(p + "ffn_down_exps.weight", GgufTensorRole.Experts, i, e, h, fe);
            if (bias)
            {
                if (gated)
                    Add(p + "ffn_gate_exps.bias", GgufTensorRole.Bias, i, e, fe);
                Add(p + "ffn_up_exps.bias", GgufTensorRole.Bias, i, e, fe);
                Add(p + "ffn_down_exps.bias", GgufTensorRole.Bias, i, e, h);
            }

            if (moe.SharedExperts > 0)
            {
                // llama.cpp keeps all shared experts of a layer as one MLP of shared × size rows (DeepSeek's n_shared_experts).
                long s = moe.SharedExperts, width = s * (moe.SharedExpertFfnSize ?? fe);
                if (gated)
                    Add(p + "ffn_gate_shexp.weight", GgufTensorRole.Projection, i, width, h);
                Add(p + "ffn_up_shexp.weight", GgufTensorRole.Projection, i, width, h);
                Add(p + "ffn_down_shexp.weight", GgufTensorRole.Projection, i, h, width);
                if (bias)
                {
                    if (gated)
                        Add(p + "ffn_gate_shexp.bias", GgufTensorRole.Bias, i, width);
                    Add(p + "ffn_up_shexp.bias", GgufTensorRole.Bias, i, width);
                    Add(p + "ffn_down_shexp.bias", GgufTensorRole.Bias, i, s * h);
                }
                if (moe.SharedExpertGate)
                    Add(p + "ffn_gate_inp_shexp.weight", GgufTensorRole.Router, i, h);
            }
        }

        /// <summary>A norm's weight (and bias, for LayerNorm) named <paramref name="prefix"/><paramref name="norm"/>.weight, built in one step.</summary>
        private void Norm(string prefix, string norm, int layer, long width)
        {
            if (normless)
                return;
            Add(string.Concat(prefix, norm, ".weight"), GgufTensorRole.Norm, layer, width);
            if (layerNorm)
                Add(string.Concat(prefix, norm, ".bias"), GgufTensorRole.Norm, layer, width);
        }

        private void Add(string name, GgufTensorRole role, int layer, params long[] shape) =>
            tensors.Add(new GgufLayoutTensor(name, shape, role, layer));
    }
}
