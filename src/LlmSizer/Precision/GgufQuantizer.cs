using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Gguf;
using LlmSizer.Models;

namespace LlmSizer.Precision;

/// <summary>The ggml type <c>llama-quantize</c> gives one tensor, and the rule that chose it.</summary>
/// <param name="Tensor">The tensor, as the converter wrote it.</param>
/// <param name="Type">Its type in the quantized file.</param>
/// <param name="Rule">Why: <c>default</c>, <c>not quantized</c>, or the rule, e.g. <c>attn_v in a use_more_bits layer</c>.</param>
public sealed record GgufTensorType(GgufLayoutTensor Tensor, GgmlType Type, string Rule)
{
    /// <summary>Bytes of the tensor in <see cref="Type"/>: whole blocks times block bytes.</summary>
    public long Bytes => Type.BytesFor(Tensor.Elements)
        ?? throw new InvalidOperationException($"{Tensor.Name}: {Tensor.Elements} values do not fill whole {Type.Name} blocks");
}

/// <summary>
/// Predicts the type of every tensor in a GGUF file that <c>llama-quantize</c> makes with a given mix, by the rules of
/// llama.cpp's <c>src/llama-quant.cpp</c> (<c>llama_tensor_get_type</c> and what it calls), restated here: which tensors may be
/// quantized at all, the output and token-embedding rules, the per-category upgrades (attn_v, attn_k, attn_q, attn_output,
/// attn_qkv, ffn_down/gate/up, with their <c>use_more_bits</c> layer pattern and the GQA, 8-expert and 70B cases) and the
/// fallback to a compatible type when a row does not divide the block. Pure: the same spec and mix give the same types.
/// </summary>
public static class GgufQuantizer
{
    /// <summary>The types of <paramref name="spec"/>'s converted tensors after quantizing to <paramref name="mix"/>, in file order.</summary>
    public static IReadOnlyList<GgufTensorType> Assign(ModelSpec spec, GgufQuantMix mix, GgufQuantOptions? options = null) =>
        Assign(spec, GgufLayout.Tensors(spec), mix, options);

    /// <summary>
    /// The types of <paramref name="tensors"/> (a converter's output for <paramref name="spec"/>, F32 for what it keeps in
    /// 32 bits and 16-bit for the rest) after quantizing to <paramref name="mix"/>, in the order given.
    /// </summary>
    public static IReadOnlyList<GgufTensorType> Assign(ModelSpec spec, IReadOnlyList<GgufLayoutTensor> tensors, GgufQuantMix mix,
        GgufQuantOptions? options = null) =>
        Assign(spec, tensors, NameFacts.Of(tensors), mix, options);

    private static GgufTensorType[] Assign(ModelSpec spec, IReadOnlyList<GgufLayoutTensor> tensors, NameFacts[] names, GgufQuantMix mix,
        GgufQuantOptions? options)
    {
        options ??= GgufQuantOptions.Default;
        try
        {
            return AssignInVisitOrder(new Run(spec, names, mix, options), tensors, names);
        }
        catch (UsageException)
        {
            // A tensor llama.cpp cannot quantize stops it at the first such tensor it visits; replay its whole order so
            // the error names that one.
            var run = new Run(spec, names, mix, options);
            foreach (int index in Enumerable.Range(0, tensors.Count).OrderBy(i => tensors[i].Layer).ThenBy(i => tensors[i].Name, StringComparer.Ordinal))
                run.TypeOf(tensors[index], names[index]);
            throw;
        }
    }

    private static GgufTensorType[] AssignInVisitOrder(Run run, IReadOnlyList<GgufLayoutTensor> tensors, NameFacts[] names)
    {
        var types = new GgufTensorType[tensors.Count];
        // llama.cpp visits tensors in its loader's map order (the ones outside blocks first, then block by block, each
        // block's by name), and two running counters (i_attention_wv, i_ffn_down) make the result depend on that order. Only
        // the attn_v-like and ffn_down tensors read or advance a counter, so the others are typed in any order and just the
        // counted ones are put in llama.cpp's order: layouts come block by block already, so an insertion sort there
        // compares neighbours only.
        var counted = new List<int>();
        for (int i = 0; i < types.Length; i++)
        {
            if (names[i].Category is Category.AttnV or Category.AttnQkv or Category.AttnKvB or Category.FfnDown)
                counted.Add(i);
            else
                types[i] = run.TypeOf(tensors[i], names[i]);
        }
        for (int i = 1; i < counted.Count; i++)
        {
            int index = counted[i];
            int j = i - 1;
            while (j >= 0 && VisitsAfter(tensors[counted[j]], tensors[index]))
            {
                counted[j + 1] = counted[j];
                j--;
            }
            counted[j + 1] = index;
        }
        foreach (int index in counted)
            types[index] = run.TypeOf(tensors[index], names[index]);
        return types;
    }

    private static bool VisitsAfter(GgufLayoutTensor a, GgufLayoutTensor b) =>
        a.Layer != b.Layer ? a.Layer > b.Layer : string.CompareOrdinal(a.Name, b.Name) > 0;

    /// <summary>The GGUF file's tensors after quantizing <paramref name="spec"/> to <paramref name="mix"/>: format <c>gguf</c>, exact bytes.</summary>
    public static TensorInventory Inventory(ModelSpec spec, GgufQuantMix mix, GgufQuantOptions? options = null) =>
        Inventory(spec, GgufLayout.Tensors(spec), mix, options);

    /// <summary>The GGUF file's tensors after quantizing <paramref name="tensors"/> (a layout of <paramref name="spec"/>) to <paramref name="mix"/>.</summary>
    public static TensorInventory Inventory(ModelSpec spec, IReadOnlyList<GgufLayoutTensor> tensors, GgufQuantMix mix, GgufQuantOptions? options = null)
    {
        var names = NameFacts.Of(tensors);
        var types = Assign(spec, tensors, names, mix, options);
        var infos = new TensorInfo[types.Length];
        for (int i = 0; i < infos.Length; i++)
        {
            var t = types[i];
            infos[i] = new(t.Tensor.Name, t.Tensor.Shape, t.Type.Name, t.Tensor.Elements, t.Tensor.Elements, t.Bytes, TensorRole.Weight,
                names[i].Breakdown);
        }
        return new("gguf", infos);
    }

    /// <summary>
    /// What the rules read from a tensor's name: its category, whether the name allows quantizing, and its breakdown category.
    /// None depends on the block number, so each is worked out once per kind (<c>.attn_q.weight</c> of <c>blk.N.attn_q.weight</c>)
    /// rather than once per tensor: a prediction has a dozen kinds and hundreds of tensors.
    /// </summary>
    private readonly record struct NameFacts(Category Category, bool QuantizableName, ParameterCategory Breakdown)
    {
        public static NameFacts[] Of(IReadOnlyList<GgufLayoutTensor> tensors)
        {
            var facts = new NameFacts[tensors.Count];
            var byKind = new Dictionary<string, NameFacts>(32, StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
            for (int i = 0; i < facts.Length; i++)
            {
                string name = tensors[i].Name;
                var kind = GgufLayout.KindOf(name);
                if (!byKind.TryGetValue(kind, out facts[i]))
                    byKind[kind] = facts[i] = new(CategoryOf(name), MayQuantize(name), TensorClassifier.Classify(name));
            }
            return facts;
        }

        /// <summary>
        /// llama.cpp quantizes weights only, never norms, the expert router, learned positions, or recurrent layers' small
        /// convolution kernels (ssm_conv1d, shortconv.conv). The converter has already written everything else in F32 (vectors,
        /// biases, routers, positions, convolutions). The other condition, two dimensions or more, is the tensor's own.
        /// </summary>
        private static bool MayQuantize(string name) =>
            name.EndsWith("weight", StringComparison.Ordinal)
            && !name.Contains("_norm.weight", StringComparison.Ordinal)
            && !name.Contains("ffn_gate_inp.weight", StringComparison.Ordinal)
            && !name.Contains("ssm_conv1d", StringComparison.Ordinal)
            && !name.Contains("shortconv.conv.weight", StringComparison.Ordinal)
            && name != "position_embd.weight";
    }

    /// <summary>llama.cpp's broad tensor categories, from the name.</summary>
    private enum Category { TokenEmbd, AttnQkv, AttnKvB, AttnV, AttnK, AttnQ, AttnOutput, FfnUp, FfnGate, FfnDown, Output, Other }

    private static Category CategoryOf(string name)
    {
        if (name == "output.weight")
            return Category.Output;
        if (name is "token_embd.weight" or "per_layer_token_embd.weight")
            return Category.TokenEmbd;
        // The kind is the name's second-to-last segment (blk.3.attn_v.weight → attn_v); reading it once beats scanning the
        // whole name for each candidate.
        ReadOnlySpan<char> n = name;
        int end = n.LastIndexOf('.');
        if (end < 0)
            return Category.Other;
        var kind = n[(n[..end].LastIndexOf('.') + 1)..end];
        if (n[(end + 1)..] is "weight")
        {
            switch (kind)
            {
                case "attn_qkv": return Category.AttnQkv;
                case "attn_kv_b": return Category.AttnKvB;
                case "attn_v": return Category.AttnV;
                case "attn_k": return Category.AttnK;
                case "attn_q": return Category.AttnQ;
                case "attn_output": return Category.AttnOutput;
            }
        }
        // Prefixes, so the stacked experts (ffn_up_exps) and shared experts (ffn_down_shexp) fall in too.
        if (kind.StartsWith("ffn_up", StringComparison.Ordinal))
            return Category.FfnUp;
        if (kind.StartsWith("ffn_gate", StringComparison.Ordinal))
            return Category.FfnGate;
        if (kind.StartsWith("ffn_down", StringComparison.Ordinal))
            return Category.FfnDown;
        return Category.Other;
    }

    /// <summary>The layers that get more bits in the _M mixes: the first and last eighth, and every third layer between.</summary>
    internal static bool UseMoreBits(int layer, int layers) =>
        layer < layers / 8 || layer >= 7 * layers / 8 || (layer - layers / 8) % 3 == 2;

    /// <summary>One quantization run: the model's hyperparameters as llama.cpp sees them, and its counters.</summary>
    private sealed class Run
    {
        private readonly GgufQuantMix mix;
        private readonly string m;
        private readonly GgufQuantRules rules;
        private readonly bool imatrix;
        private readonly string arch;
        private readonly bool falcon;
        private readonly int nLayer, nExpert;
        private readonly long nGqa;
        private readonly bool is70B;
        private readonly bool tiedEmbeddings;
        private readonly int nAttentionWv;
        private int iAttentionWv, iFfnDown;

        public Run(ModelSpec spec, NameFacts[] names, GgufQuantMix mix, GgufQuantOptions options)
        {
            this.mix = mix;
            m = mix.Name;
            rules = options.Rules;
            imatrix = options.Imatrix ?? mix.RequiresImatrix;
            arch = GgufLayout.LlamaCppArchitecture(spec) ?? spec.Architecture;
            falcon = arch == "falcon";
            nLayer = spec.Layers;
            nExpert = spec.Moe?.RoutedExperts ?? 0;
            // DeepSeek files converted since the MLA rework say one KV head (the shared latent).
            long headsKv = arch == "deepseek2" ? 1 : spec.EffectiveKeyValueHeads;
            nGqa = headsKv == 0 ? 0 : spec.AttentionHeads / headsKv;
            // llama.cpp's model type 70B: a Llama with 80 layers and grouped KV heads (not a Mixtral), or an 80-layer Qwen2.
            is70B = nLayer == 80 && ((arch == "llama" && nExpert != 8 && spec.AttentionHeads != spec.EffectiveKeyValueHeads) || arch == "qwen2");
            // "output.weight" is the one name of category Output: without it the head is tied to the embedding.
            tiedEmbeddings = true;
            foreach (var n in names)
            {
                if (n.Category == Category.Output)
                    tiedEmbeddings = false;
                if (n.Category is Category.AttnV or Category.AttnQkv or Category.AttnKvB)
                    nAttentionWv++;
            }
        }

        public GgufTensorType TypeOf(GgufLayoutTensor t, NameFacts name)
        {
            // llama.cpp quantizes 2-D and 3-D weights only, and only those the name allows (NameFacts.MayQuantize).
            if (t.Dimensions < 2 || !name.QuantizableName)
                return new(t, F32, "not quantized (kept in F32 by the converter)");
            if (!mix.IsQuantized)
                return new(t, mix.DefaultType, "default");

            var (chosen, rule) = Choose(t, name.Category);
            return Fallback(t, chosen, rule);
        }

        private static readonly GgmlType F32 = T("F32");

        private bool AttnVLike(Category c) =>
            c == Category.AttnV || (rules == GgufQuantRules.Current && c is Category.AttnQkv or Category.AttnKvB);

        private bool Is(params ReadOnlySpan<string> names) => names.Contains(m);

        private static GgmlType T(string name) => GgmlType.FromName(name)!;

        /// <summary>The layer of a block tensor: from its name for MoE models (llama.cpp parses it), else the running count.</summary>
        private int LayerOf(GgufLayoutTensor t, int counter) => nExpert > 1 ? t.Layer : counter;

        private (GgmlType Type, string Rule) Choose(GgufLayoutTensor t, Category c)
        {
            var type = mix.DefaultType;
            string rule = "default";

            if (c == Category.Output || (tiedEmbeddings && c == Category.TokenEmbd))
            {
                string what = c == Category.Output ? "output" : "tied token_embd (quantized as the output)";
                if (m == "MXFP4_MOE")
                    return (T("Q8_0"), $"{what}: Q8_0 in MXFP4_MOE");
                if (falcon || t.RowLength % type.BlockElements != 0)
                    return (T("Q8_0"), falcon ? $"{what}: Q8_0 for Falcon" : $"{what}: Q8_0, row {t.RowLength} not a multiple of {type.BlockElements}");
                if (Is("IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M"))
                    return (T("Q5_K"), $"{what}: Q5_K in the lowest-bit i-quants");
                if (type.Name != "Q8_0")
                    return (T("Q6_K"), $"{what}: Q6_K");
                return (type, what);
            }
            if (m == "MXFP4_MOE")
                return t.Dimensions >= 3 && t.Shape[^3] > 1 ? (T("MXFP4"), "stacked experts: MXFP4") : (T("Q8_0"), "not an expert tensor: Q8_0");
            if (c == Category.TokenEmbd)
            {
                if (Is("IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ1_M"))
                    return (T("Q2_K"), "token_embd: Q2_K");
                if (Is("IQ2_S", "IQ2_M", "IQ3_XXS"))
                    return (T("IQ3_S"), "token_embd: IQ3_S");
                if (Is("TQ1_0", "TQ2_0"))
                    return (T("Q4_K"), "token_embd: Q4_K");
                return (type, rule);
            }
            if (Is("IQ2_XXS", "IQ2_XS", "IQ1_S", "IQ2_S", "IQ2_M", "IQ1_M"))
                return LowBitIQuant(t, c, type);
            if (AttnVLike(c))
                return AttentionV(type);
            switch (c)
            {
                case Category.AttnK:
                    if (nExpert == 8)
                        return (T("Q8_0"), "attn_k of an 8-expert model: Q8_0");
                    if (m == "IQ3_XS")
                        return (T("IQ3_XXS"), "attn_k: IQ3_XXS");
                    if (m == "IQ3_XXS")
                        return (T("IQ2_S"), "attn_k: IQ2_S");
                    return (type, rule);
                case Category.AttnQ:
                    if (m == "IQ3_XS")
                        return (T("IQ3_XXS"), "attn_q: IQ3_XXS");
                    if (m == "IQ3_XXS")
                        return (T("IQ2_S"), "attn_q: IQ2_S");
                    return (type, rule);
                case Category.FfnDown:
                    return FfnDown(t, type);
                case Category.AttnOutput:
                    return AttentionOutput(type);
                case Category.AttnQkv:
                    // Only reached under the pre-2026 rules; the current ones send attn_qkv down the attn_v path.
                    if (Is("Q3_K_M", "Q3_K_L", "IQ3_M"))
                        return (T("Q4_K"), "attn_qkv: Q4_K");
                    if (m == "Q4_K_M")
                        return (T("Q5_K"), "attn_qkv: Q5_K");
                    if (m == "Q5_K_M")
                        return (T("Q6_K"), "attn_qkv: Q6_K");
                    return (type, rule);
                case Category.FfnGate:
                case Category.FfnUp:
                {
                    int layer = LayerOf(t, t.Layer);
                    if (m == "IQ3_XS" && layer >= nLayer / 8 && layer < 7 * nLayer / 8)
                        return (T("IQ3_XXS"), $"{(c == Category.FfnGate ? "ffn_gate" : "ffn_up")} in a middle layer: IQ3_XXS");
                    return (type, rule);
                }
                default:
                    return (type, rule);
            }
        }

        /// <summary>IQ1_S, IQ1_M, IQ2_XXS, IQ2_XS, IQ2_S, IQ2_M: protect attn_v, attn_output and the first eighth of ffn_down.</summary>
        private (GgmlType, string) LowBitIQuant(GgufLayoutTensor t, Category c, GgmlType type)
        {
            bool iq2sm = Is("IQ2_S", "IQ2_M");
            if (AttnVLike(c))
            {
                iAttentionWv++;
                if (nGqa >= 4 || nExpert >= 4)
                    return (T("Q4_K"), "attn_v with GQA ≥ 4 or ≥ 4 experts: Q4_K");
                return iq2sm ? (T("IQ3_S"), "attn_v: IQ3_S") : (T("Q2_K"), "attn_v: Q2_K");
            }
            if (nExpert == 8 && c == Category.AttnK)
                return (T("Q4_K"), "attn_k of an 8-expert model: Q4_K");
            if (c == Category.FfnDown)
            {
                // This branch counts ffn_down tensors one by one, even in MoE models.
                bool early = iFfnDown < nLayer / 8;
                iFfnDown++;
                if (early)
                    return iq2sm ? (T("IQ3_S"), "ffn_down in the first eighth: IQ3_S") : (T("Q2_K"), "ffn_down in the first eighth: Q2_K");
                return (type, "default");
            }
            if (c == Category.AttnOutput)
            {
                if (nExpert == 8)
                    return (T("Q5_K"), "attn_output of an 8-expert model: Q5_K");
                if (Is("IQ1_S", "IQ1_M"))
                    return (T("IQ2_XXS"), "attn_output: IQ2_XXS");
                if (iq2sm)
                    return (T("IQ3_S"), "attn_output: IQ3_S");
            }
            return (type, "default");
        }

        private (GgmlType, string) AttentionV(GgmlType type)
        {
            int i = iAttentionWv;
            GgmlType chosen = type;
            string rule = "default";
            if (m == "Q2_K")
                (chosen, rule) = nGqa >= 4 ? (T("Q4_K"), "attn_v with GQA ≥ 4: Q4_K") : (T("Q3_K"), "attn_v: Q3_K");
            else if (m == "Q2_K_S" && nGqa >= 4)
                (chosen, rule) = (T("Q4_K"), "attn_v with GQA ≥ 4: Q4_K");
            else if (m == "IQ3_XXS")
                (chosen, rule) = nGqa >= 4 ? (T("Q4_K"), "attn_v with GQA ≥ 4: Q4_K")
                    : !imatrix ? (T("IQ3_S"), "attn_v without an imatrix: IQ3_S") : (T("IQ3_XXS"), "attn_v: IQ3_XXS");
            else if (Is("IQ3_XS", "IQ3_S") && nGqa >= 4)
                (chosen, rule) = (T("Q4_K"), "attn_v with GQA ≥ 4: Q4_K");
            else if (m == "IQ3_M")
                (chosen, rule) = (T("Q4_K"), "attn_v: Q4_K");
            else if (m == "Q3_K_M")
                (chosen, rule) = i < 2 ? (T("Q5_K"), "attn_v in the first two layers: Q5_K") : (T("Q4_K"), "attn_v: Q4_K");
            else if (m == "Q3_K_L")
                (chosen, rule) = (T("Q5_K"), "attn_v: Q5_K");
            else if (Is("IQ4_NL", "IQ4_XS") && nGqa >= 4)
                (chosen, rule) = (T("Q5_K"), "attn_v with GQA ≥ 4: Q5_K");
            else if (Is("Q4_K_M", "Q5_K_M") && UseMoreBits(i, nAttentionWv))
                (chosen, rule) = (T("Q6_K"), "attn_v in a use_more_bits layer: Q6_K");
            else if (m == "Q4_K_S" && i < 4)
                (chosen, rule) = (T("Q5_K"), "attn_v in the first four layers: Q5_K");

            // A 70B Llama shares each attn_v among 8 query heads, so more bits there cost little.
            if (is70B && chosen.Name is "Q3_K" or "Q4_K")
                (chosen, rule) = (T("Q5_K"), "attn_v of a 70B model: Q5_K");
            if (nExpert == 8)
                (chosen, rule) = (T("Q8_0"), "attn_v of an 8-expert model: Q8_0");
            iAttentionWv++;
            return (chosen, rule);
        }

        private (GgmlType, string) FfnDown(GgufLayoutTensor t, GgmlType type)
        {
            int layer = LayerOf(t, iFfnDown);
            int n = nLayer;
            (GgmlType, string) result = (type, "default");
            bool umb = UseMoreBits(layer, n);
            if (m == "Q2_K")
                result = (T("Q3_K"), "ffn_down: Q3_K");
            else if (m == "Q2_K_S")
            {
                if (layer < n / 8)
                    result = (T("Q4_K"), "ffn_down in the first eighth: Q4_K");
            }
            else if (m == "IQ3_XXS" && !imatrix)
                result = layer < n / 8 ? (T("Q4_K"), "ffn_down in the first eighth: Q4_K") : (T("Q3_K"), "ffn_down without an imatrix: Q3_K");
            else if (m == "Q3_K_M")
                result = layer < n / 16 ? (T("Q5_K"), "ffn_down in the first sixteenth: Q5_K")
                    : !falcon || umb ? (T("Q4_K"), "ffn_down: Q4_K") : (T("Q3_K"), "ffn_down (Falcon): Q3_K");
            else if (m == "IQ3_M" && (layer < n / 8 || (nExpert == 8 && umb)))
                result = (T("Q4_K"), "ffn_down: Q4_K");
            else if (m == "Q3_K_L")
                result = falcon ? (T("Q4_K"), "ffn_down (Falcon): Q4_K") : (T("Q5_K"), "ffn_down: Q5_K");
            else if (m == "Q4_K_M")
            {
                if (falcon)
                    result = layer < n / 16 ? (T("Q6_K"), "ffn_down (Falcon) in the first sixteenth: Q6_K")
                        : umb ? (T("Q5_K"), "ffn_down (Falcon) in a use_more_bits layer: Q5_K") : (type, "default");
                else if (umb)
                    result = (T("Q6_K"), "ffn_down in a use_more_bits layer: Q6_K");
            }
            else if (layer < n / 8 && Is("IQ4_NL", "IQ4_XS") && !imatrix)
                result = (T("Q5_K"), "ffn_down in the first eighth without an imatrix: Q5_K");
            else if (m == "Q5_K_M" && umb)
                result = (T("Q6_K"), "ffn_down in a use_more_bits layer: Q6_K");
            else if (m == "Q4_K_S" && !falcon && layer < n / 8)
                result = (T("Q5_K"), "ffn_down in the first eighth: Q5_K");
            else if (Is("Q4_0", "Q5_0") && imatrix && layer < n / 8)
                result = m == "Q4_0" ? (T("Q4_1"), "ffn_down in the first eighth with an imatrix: Q4_1")
                    : (T("Q5_1"), "ffn_down in the first eighth with an imatrix: Q5_1");
            iFfnDown++;
            return result;
        }

        private (GgmlType, string) AttentionOutput(GgmlType type)
        {
            if (!falcon)
            {
                if (nExpert == 8)
                {
                    if (Is("Q2_K", "IQ3_XS", "IQ3_XXS", "Q3_K_S", "Q3_K_M", "IQ4_NL", "Q4_K_S", "Q4_K_M", "IQ3_S", "IQ3_M", "IQ4_XS"))
                        return (T("Q5_K"), "attn_output of an 8-expert model: Q5_K");
                }
                else
                {
                    if (m == "Q2_K") return (T("Q3_K"), "attn_output: Q3_K");
                    if (m == "IQ3_XXS") return (T("IQ3_S"), "attn_output: IQ3_S");
                    if (m == "Q3_K_M") return (T("Q4_K"), "attn_output: Q4_K");
                    if (m == "Q3_K_L") return (T("Q5_K"), "attn_output: Q5_K");
                    if (m == "IQ3_M") return (T("Q4_K"), "attn_output: Q4_K");
                }
            }
            else if (m == "Q3_K_L")
            {
                return (T("Q4_K"), "attn_output (Falcon): Q4_K");
            }
            return (type, "default");
        }

        /// <summary>
        /// ggml needs each row to be whole blocks; when it is not, llama.cpp falls back to a type with a smaller block
        /// (256 → 32), and to F16 when even that does not divide the row. A type with no fallback cannot be made.
        /// </summary>
        private GgufTensorType Fallback(GgufLayoutTensor t, GgmlType type, string rule)
        {
            if (t.RowLength % type.BlockElements == 0)
                return new(t, type, rule);
            string? to = (type.Name, rules) switch
            {
                ("IQ1_S" or "IQ1_M" or "IQ2_XXS" or "IQ2_XS" or "IQ2_S" or "IQ3_XXS" or "IQ3_S" or "IQ4_XS", _) => "IQ4_NL",
                ("Q2_K" or "Q3_K", GgufQuantRules.Before2026) => "IQ4_NL",
                ("Q2_K" or "Q3_K" or "TQ1_0" or "TQ2_0", _) => "Q4_0",
                ("Q4_K", _) => "Q5_0",
                ("Q5_K", _) => "Q5_1",
                ("Q6_K", _) => "Q8_0",
                _ => null,
            };
            if (to is null)
                throw new UsageException(
                    $"{t.Name}: rows of {t.RowLength} values are not whole {type.Name} blocks of {type.BlockElements}, and llama.cpp defines no fallback for {type.Name}");
            var fallback = T(to);
            if (t.RowLength % fallback.BlockElements != 0)
                fallback = T("F16");
            return new(t, fallback, $"{rule}; row {t.RowLength} not a multiple of {type.BlockElements}: fallback {fallback.Name}");
        }
    }
}
