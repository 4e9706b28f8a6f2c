using LlmSizer.Models;

namespace LlmSizer.Formats.Safetensors;

/// <summary>
/// Turns stored safetensors entries into <see cref="TensorInfo"/>s, counting packed quantized weights as the logical
/// parameters they hold and their scales, zero points and lookup tables as quantization metadata (bytes, no parameters).
/// Each rule keys on a tensor name together with the sibling tensor its format always stores beside it, so an
/// ordinary parameter that happens to be called <c>scales</c> is never mistaken for metadata:
/// <list type="bullet">
/// <item>GPTQ / AWQ: <c>M.qweight</c> (int32) → elements × 32 / bits; <c>M.qzeros</c>, <c>M.scales</c>, <c>M.g_idx</c> metadata.</item>
/// <item>bitsandbytes 4-bit: <c>M.weight</c> beside <c>M.weight.absmax</c> or <c>M.weight.quant_state.bitsandbytes__nf4|fp4</c>
/// → elements × storage bits / 4 (two values per byte); <c>absmax</c>, <c>quant_map</c>, <c>nested_*</c>, <c>quant_state.*</c> metadata.</item>
/// <item>bitsandbytes 8-bit: I8 <c>M.weight</c> as stored; <c>M.SCB</c>, <c>M.weight_format</c> metadata.</item>
/// <item>FP8 and compressed-tensors: F8/I8 weights as stored; <c>weight_scale_inv</c>, <c>weight_scale</c>, <c>input_scale</c>,
/// zero points, <c>weight_shape</c>, global scales metadata; <c>M.weight_packed</c> int32 → elements × (32 / bits), bytes → elements × 2.</item>
/// <item>MXFP4: <c>P_blocks</c> (U8) beside <c>P_scales</c> → elements × 2; <c>P_scales</c> metadata.</item>
/// </list>
/// Buffers (<see cref="TensorClassifier.IsBuffer"/>) hold no parameters. Categories come from <see cref="TensorClassifier"/>,
/// applied to the owning module's <c>.weight</c> name so that <c>lm_head.qweight</c> is still the LM head.
/// </summary>
public static class PackedTensorInterpreter
{
    private static readonly string[] GptqMetadata = [".qzeros", ".scales", ".g_idx"];

    private static readonly string[] BnbMetadata =
    [
        ".absmax", ".quant_map", ".nested_absmax", ".nested_quant_map", ".quant_state.bitsandbytes__nf4", ".quant_state.bitsandbytes__fp4",
    ];

    /// <summary>Scale and zero-point tensors of FP8 and compressed-tensors checkpoints, stored beside <c>M.weight</c> or <c>M.weight_packed</c>.</summary>
    private static readonly HashSet<string> ScaleNames = new(StringComparer.Ordinal)
    {
        "weight_scale_inv", "weight_scale", "input_scale", "output_scale", "weight_zero_point", "input_zero_point",
        "weight_g_idx", "weight_shape", "weight_global_scale", "input_global_scale",
    };

    /// <summary>Per-attention KV-cache and query scales of FP8 checkpoints: metadata once a quantization is known.</summary>
    private static readonly HashSet<string> AttentionScaleNames = new(StringComparer.Ordinal) { "k_scale", "v_scale", "q_scale", "kv_scale", "prob_scale" };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> ScaleLookup = ScaleNames.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> AttentionScaleLookup =
        AttentionScaleNames.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly int[] PlausibleBits = [2, 3, 4, 5, 6, 7, 8];

    /// <summary>
    /// Interprets <paramref name="tensors"/> (unique names, all shards together); <paramref name="config"/> is what the
    /// side files state, if anything. Pure: the same input gives the same output.
    /// </summary>
    public static InterpretedTensors Interpret(IReadOnlyList<SafetensorsTensor> tensors, SafetensorsQuantization? config)
    {
        var byName = new Dictionary<string, SafetensorsTensor>(tensors.Count, StringComparer.Ordinal);
        foreach (var t in tensors)
            byName.TryAdd(t.Name, t);
        var notes = new List<string>();
        var quantization = Reconcile(config, Detect(tensors, byName), notes);

        var packed = new PackedBitsTally();
        var infos = new List<TensorInfo>(tensors.Count);
        foreach (var t in tensors)
            infos.Add(Map(t, byName, quantization, packed, notes));

        if (quantization is { Method: QuantizationMethod.Gptq or QuantizationMethod.Awq, Bits: null } && packed.InferredMajority is { } inferred)
            quantization = quantization with { Bits = inferred };
        packed.AddNotes(quantization, notes);
        return new InterpretedTensors(infos, quantization, notes);
    }

    private static TensorInfo Map(SafetensorsTensor t, Dictionary<string, SafetensorsTensor> byName, SafetensorsQuantization? q,
        PackedBitsTally packed, List<string> notes)
    {
        string name = t.Name;
        if (TensorClassifier.IsBuffer(name))
            return Info(t, 0, TensorRole.Buffer, TensorClassifier.Classify(name));

        // GPTQ / AWQ
        if (Stem(name, ".qweight") is { } qModule)
        {
            int bits = packed.BitsFor(t, qModule, byName, q);
            string layout = Layout(t, qModule, byName, q);
            long storedBits = checked(t.Elements * t.Dtype.Bits);
            if (storedBits % bits != 0)
                notes.Add($"tensor '{name}': {t.Elements} × {t.Dtype.Bits} bits is not a whole number of {bits}-bit values; rounded down");
            return Info(t, storedBits / bits, TensorRole.Weight, ModuleCategory(qModule), $"{layout}_INT{bits}");
        }
        foreach (string suffix in GptqMetadata)
            if (Stem(name, suffix) is { } m && byName.ContainsKey(m + ".qweight"))
                return Info(t, 0, TensorRole.QuantizationMetadata, ModuleCategory(m));

        // compressed-tensors packed integers or FP4 pairs
        if (Stem(name, ".weight_packed") is { } ctModule)
        {
            if (t.Dtype.Bits == 8)
                return Info(t, checked(t.Elements * 2), TensorRole.Weight, ModuleCategory(ctModule), FourBitFloatName(q));
            int bits = q is { Method: QuantizationMethod.CompressedTensors, Bits: { } b } && PlausibleBits.Contains(b) ? b : 4;
            // compressed-tensors fills each int32 with floor(32 / bits) values (10 three-bit values, not 10.67).
            return Info(t, checked(t.Elements * (t.Dtype.Bits / bits)), TensorRole.Weight, ModuleCategory(ctModule), $"INT{bits}");
        }

        // bitsandbytes 4-bit: the weight itself, then its quant state
        if (name.EndsWith(".weight", StringComparison.Ordinal) && IsBnb4(name, byName, out string? quantType))
        {
            string type = quantType ?? (q is { Method: QuantizationMethod.BitsAndBytes4Bit, Format: { } f } ? f.ToUpperInvariant() : "4BIT");
            // Two 4-bit values per byte of whatever storage dtype holds them (uint8 by default; bf16 storage holds four).
            return Info(t, checked(t.Elements * t.Dtype.Bits / 4), TensorRole.Weight, ModuleCategory(name[..^".weight".Length]), $"BNB_{type}");
        }
        foreach (string suffix in BnbMetadata)
            if (Stem(name, suffix) is { } w && w.EndsWith(".weight", StringComparison.Ordinal) && byName.ContainsKey(w))
                return Info(t, 0, TensorRole.QuantizationMetadata, ModuleCategory(w[..^".weight".Length]));

        // bitsandbytes 8-bit row scales
        if ((Stem(name, ".SCB") ?? Stem(name, ".weight_format")) is { } b8 && byName.ContainsKey(b8 + ".weight"))
            return Info(t, 0, TensorRole.QuantizationMetadata, ModuleCategory(b8));

        // FP8 / compressed-tensors scales and zero points
        int dot = name.LastIndexOf('.');
        if (dot > 0)
        {
            // Looked up as a span: most tensors are plain weights, and this runs for each of them.
            var last = name.AsSpan(dot + 1);
            if (ScaleLookup.Contains(last) && (byName.ContainsKey(name[..dot] + ".weight") || byName.ContainsKey(name[..dot] + ".weight_packed")))
                return Info(t, 0, TensorRole.QuantizationMetadata, ModuleCategory(name[..dot]));
            if (q is not null && AttentionScaleLookup.Contains(last))
                return Info(t, 0, TensorRole.QuantizationMetadata, ModuleCategory(name[..dot]));
        }

        // MXFP4 (gpt-oss): blocks of 32 FP4 values in 16 bytes, one E8M0 scale byte per block
        if (Stem(name, "_blocks") is { } blocks && byName.ContainsKey(blocks + "_scales"))
        {
            if (t.Dtype.Name == "U8")
                return Info(t, checked(t.Elements * 2), TensorRole.Weight, TensorClassifier.Classify(blocks), "MXFP4");
            notes.Add($"tensor '{name}': MXFP4 blocks are expected as U8, found {t.Dtype.Name}; counted as stored");
        }
        if (Stem(name, "_scales") is { } scaled && byName.ContainsKey(scaled + "_blocks"))
            return Info(t, 0, TensorRole.QuantizationMetadata, TensorClassifier.Classify(scaled));

        return Info(t, t.Elements, TensorRole.Weight, TensorClassifier.Classify(name));
    }

    private static TensorInfo Info(SafetensorsTensor t, long parameters, TensorRole role, ParameterCategory category, string? type = null) =>
        new(t.Name, t.Shape, type ?? t.Dtype.Name, t.Elements, parameters, t.Bytes, role, category);

    private static ParameterCategory ModuleCategory(string module) => TensorClassifier.Classify(module + ".weight");

    private static string? Stem(string name, string suffix) =>
        name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal) ? name[..^suffix.Length] : null;

    /// <summary>
    /// Whether <paramref name="weight"/> is a bitsandbytes 4-bit weight (its quant state or absmax is stored beside it);
    /// <paramref name="quantType"/> is "NF4" or "FP4" when the packed quant state's name says which.
    /// </summary>
    private static bool IsBnb4(string weight, Dictionary<string, SafetensorsTensor> byName, out string? quantType)
    {
        quantType = byName.ContainsKey(weight + ".quant_state.bitsandbytes__nf4") ? "NF4"
            : byName.ContainsKey(weight + ".quant_state.bitsandbytes__fp4") ? "FP4"
            : null;
        return quantType is not null || byName.ContainsKey(weight + ".absmax");
    }

    private static string FourBitFloatName(SafetensorsQuantization? q) => q?.Format switch
    {
        "nvfp4-pack-quantized" => "NVFP4",
        "mxfp4-pack-quantized" => "MXFP4",
        _ => "FP4",
    };

    /// <summary>GPTQ packs along the input dimension (qweight's columns equal scales' columns, the outputs); AWQ along the output one.</summary>
    private static string Layout(SafetensorsTensor qweight, string module, Dictionary<string, SafetensorsTensor> byName, SafetensorsQuantization? q)
    {
        if (qweight.Shape.Count == 2 && byName.TryGetValue(module + ".scales", out var scales) && scales.Shape.Count == 2)
            return qweight.Shape[1] == scales.Shape[1] ? "GPTQ" : "AWQ";
        return q?.Method == QuantizationMethod.Awq ? "AWQ" : "GPTQ";
    }

    /// <summary>What the tensor names show, for checkpoints without a quantization_config.</summary>
    private static SafetensorsQuantization? Detect(IReadOnlyList<SafetensorsTensor> tensors, Dictionary<string, SafetensorsTensor> byName)
    {
        const string source = "tensor names";
        foreach (var t in tensors)
            if (Stem(t.Name, ".qweight") is { } m)
            {
                // Shapes tell the packing direction when scales are stored; otherwise only GPTQ stores g_idx.
                string layout = byName.ContainsKey(m + ".scales") ? Layout(t, m, byName, null)
                    : byName.ContainsKey(m + ".g_idx") ? "GPTQ" : "AWQ";
                return layout == "AWQ"
                    ? new(QuantizationMethod.Awq, "awq", null, null, null, source)
                    : new(QuantizationMethod.Gptq, "gptq", null, null, null, source);
            }
        foreach (var t in tensors)
            if (Stem(t.Name, ".weight_packed") is not null)
                return new(QuantizationMethod.CompressedTensors, "compressed-tensors", null, null, null, source);
        foreach (var t in tensors)
            if (t.Name.EndsWith(".weight", StringComparison.Ordinal) && IsBnb4(t.Name, byName, out string? type))
                return new(QuantizationMethod.BitsAndBytes4Bit, "bitsandbytes", 4, null, type?.ToLowerInvariant(), source);
        foreach (var t in tensors)
            if (Stem(t.Name, ".SCB") is { } m && byName.ContainsKey(m + ".weight"))
                return new(QuantizationMethod.BitsAndBytes8Bit, "bitsandbytes", 8, null, "int8", source);
        foreach (var t in tensors)
            if (Stem(t.Name, "_blocks") is { } p && byName.ContainsKey(p + "_scales"))
                return new(QuantizationMethod.Mxfp4, "mxfp4", 4, 32, null, source);
        foreach (var t in tensors)
            if (t.Name.EndsWith(".weight", StringComparison.Ordinal) && t.Dtype.Name.StartsWith("F8_E", StringComparison.Ordinal) && t.Dtype.Name != "F8_E8M0")
                return new(QuantizationMethod.Fp8, "fp8", 8, null, t.Dtype.Name["F8_".Length..].ToLowerInvariant(), source);
        return null;
    }

    private static SafetensorsQuantization? Reconcile(SafetensorsQuantization? config, SafetensorsQuantization? found, List<string> notes)
    {
        if (config is null)
        {
            if (found is not null)
                notes.Add($"quantization recognised from tensor names as {found.Name} (no quantization_config beside the weights)");
            return found;
        }
        if (config.Method == QuantizationMethod.Other)
            notes.Add($"{config.Source} names quantization method '{config.Name}', which this reader does not unpack; tensors are counted as stored");
        else if (found is null)
            notes.Add($"{config.Source} says {config.Name}, but no tensor is stored in that packing; tensors are counted as stored");
        // GPTQ and AWQ share the qweight rule; which one a layer is shows in its own type name.
        else if (Family(found.Method) != Family(config.Method))
            notes.Add($"{config.Source} says {config.Name}, but the tensors look like {found.Name}; each tensor is read by its own layout");
        return config;
    }

    private static QuantizationMethod Family(QuantizationMethod method) => method == QuantizationMethod.Awq ? QuantizationMethod.Gptq : method;

    /// <summary>
    /// Bits of each GPTQ/AWQ qweight: inferred from its shapes when they determine it (so mixed-bit checkpoints count
    /// right), else the config's <c>bits</c>, else 4; with notes on what was assumed or disagreed.
    /// </summary>
    private sealed class PackedBitsTally
    {
        private readonly Dictionary<int, int> inferred = [];
        private int assumed, disagreeing;

        public int? InferredMajority => inferred.Count == 0 ? null : inferred.MaxBy(kv => kv.Value).Key;

        public int BitsFor(SafetensorsTensor qweight, string module, Dictionary<string, SafetensorsTensor> byName, SafetensorsQuantization? q)
        {
            int? stated = q is { Method: QuantizationMethod.Gptq or QuantizationMethod.Awq, Bits: { } b } && PlausibleBits.Contains(b) ? b : null;
            if (InferBits(qweight, module, byName, q?.GroupSize) is { } bits)
            {
                inferred[bits] = inferred.GetValueOrDefault(bits) + 1;
                if (stated is { } s && s != bits)
                    disagreeing++;
                return bits;
            }
            if (stated is { } configured)
                return configured;
            assumed++;
            return 4;
        }

        public void AddNotes(SafetensorsQuantization? q, List<string> notes)
        {
            if (q is { Method: QuantizationMethod.Gptq or QuantizationMethod.Awq, Bits: { } b } && !PlausibleBits.Contains(b))
                notes.Add($"{q.Source} states bits = {b}, which GPTQ/AWQ do not use; ignored");
            if (assumed > 0)
                notes.Add($"{assumed} packed qweight tensor{(assumed == 1 ? "" : "s")}: bits stated nowhere and not readable from the shapes; assumed 4, the usual GPTQ/AWQ setting");
            if (disagreeing > 0)
                notes.Add(disagreeing == 1
                    ? $"1 packed qweight tensor holds {string.Join("/", inferred.Keys.Order())}-bit values by its shape, though {q!.Source} says {q.Bits}; counted by its shape"
                    : $"{disagreeing} packed qweight tensors hold {string.Join("/", inferred.Keys.Order())}-bit values by their shapes, though {q!.Source} says {q.Bits}; counted by their shapes");
        }

        /// <summary>
        /// GPTQ: qweight [in·bits/32, out] with g_idx [in] (or scales [in/group, out]) gives bits = 32·rows / in.
        /// AWQ: qweight [in, out·bits/32] with scales [in/group, out] gives bits = 32·columns / out. Null when undetermined.
        /// </summary>
        private static int? InferBits(SafetensorsTensor qweight, string module, Dictionary<string, SafetensorsTensor> byName, int? groupSize)
        {
            if (qweight.Shape.Count != 2 || !byName.TryGetValue(module + ".scales", out var scales) || scales.Shape.Count != 2)
                return null;
            long rows = qweight.Shape[0], columns = qweight.Shape[1], outputs = scales.Shape[1];
            try
            {
                if (columns != outputs)
                    return Whole(checked(32 * columns), outputs);
                long? inputs = byName.TryGetValue(module + ".g_idx", out var gIdx) && gIdx.Shape.Count == 1 ? gIdx.Shape[0]
                    : groupSize is > 0 ? checked(scales.Shape[0] * groupSize.Value)
                    : null;
                return inputs is { } n ? Whole(checked(32 * rows), n) : null;
            }
            catch (OverflowException)
            {
                return null; // absurd shapes determine nothing
            }
        }

        private static int? Whole(long numerator, long denominator) =>
            denominator > 0 && numerator % denominator == 0 && numerator / denominator is var v && PlausibleBits.Contains((int)Math.Min(v, 99))
                ? (int)v
                : null;
    }
}
