using System.Globalization;
using System.Text.RegularExpressions;
using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Formats.Gguf;
using LlmSizer.Formats.Safetensors;
using LlmSizer.Models;

namespace LlmSizer.Precision;

/// <summary>The kind of file a weights type describes.</summary>
public enum WeightsContainer
{
    /// <summary>A GGUF file as llama.cpp's converter and <c>llama-quantize</c> write it.</summary>
    Gguf,
    /// <summary>A Hugging Face safetensors checkpoint.</summary>
    Safetensors,
}

/// <summary>
/// A weights type resolved from its name: a llama.cpp mix (<see cref="Mix"/>) or a Hugging Face format (<see cref="Format"/>).
/// </summary>
public sealed record WeightsType(WeightsContainer Container, GgufQuantMix? Mix, WeightFormat? Format)
{
    /// <summary>The canonical name, e.g. <c>Q4_K_M</c> or <c>GPTQ-INT4-G128</c>.</summary>
    public string Name => Mix?.Name ?? Format!.Name;
}

/// <summary>
/// Predicts the tensors of a weights file from an architecture: what llama.cpp writes for a quantization mix, or what a
/// Hugging Face checkpoint stores in a given format, with exact bytes per tensor. This is what an engine loads, before any
/// KV cache or compute buffer.
/// </summary>
public static partial class WeightsPrediction
{
    private static readonly string[] FormatNames =
    [
        "FP32", "FP16", "BF16", "FP8", "FP8-TENSOR", "FP8-BLOCK", "FP8-E5M2", "INT8", "NF4", "NF4-DQ", "FP4", "FP4-DQ",
        "GPTQ-INT4", "GPTQ-INT8", "GPTQ-INT4-G32", "GPTQ-INT4-G64", "GPTQ-INT3", "GPTQ-INT2", "AWQ", "AWQ-G64", "AWQ-INT8", "MXFP4",
    ];

    /// <summary>
    /// Every name <see cref="Predict(ModelSpec, string)"/> takes, case-insensitively: llama.cpp's mixes (F32, F16, Q8_0, Q4_K_M,
    /// IQ4_XS, MXFP4_MOE…; <c>Q4_K</c> is <c>Q4_K_M</c>) and the Hugging Face formats (FP32, FP16, BF16, FP8, INT8, NF4, GPTQ-INT4,
    /// AWQ, MXFP4…). GPTQ and AWQ take any group size as <c>-G{n}</c> (<c>GPTQ-INT4-G32</c>, <c>AWQ-G64</c>). <c>BF16</c> is the
    /// safetensors dtype unless <c>gguf:BF16</c> (or a preferred container) asks for llama.cpp's BF16 file; <c>gguf:</c> and
    /// <c>safetensors:</c> prefixes choose the container for any name.
    /// </summary>
    public static IReadOnlyList<string> KnownTypes { get; } =
        GgufQuantMix.All.Select(m => m.Name).Where(n => n != "BF16").Concat(FormatNames).ToList();

    /// <summary>The inventory of <paramref name="spec"/>'s weights in <paramref name="weightsType"/> (see <see cref="KnownTypes"/>).</summary>
    public static TensorInventory Predict(ModelSpec spec, string weightsType) => Predict(spec, weightsType, null);

    /// <summary>
    /// The inventory of <paramref name="spec"/>'s weights in <paramref name="weightsType"/>; a name both containers know (BF16)
    /// resolves to <paramref name="preferred"/> (an engine's own: GGUF for llama.cpp), safetensors when null.
    /// llama.cpp mixes give format <c>gguf</c> with each tensor's ggml type; Hugging Face formats give format <c>safetensors</c>,
    /// packed weights as <see cref="TensorRole.Weight"/> with their logical parameters and scales, zeros and maps as
    /// <see cref="TensorRole.QuantizationMetadata"/>. An unknown name is a <see cref="UsageException"/> with the closest names.
    /// </summary>
    public static TensorInventory Predict(ModelSpec spec, string weightsType, WeightsContainer? preferred)
    {
        var type = Resolve(weightsType, preferred);
        var key = (spec, type.Mix?.Name ?? type.Format!.Name);
        if (Predicted.TryGetValue(key, out var cached))
            return cached;
        var inventory = type.Mix is { } mix ? GgufQuantizer.Inventory(spec, mix) : Predict(spec, type.Format!);
        // A prediction is a pure function of the architecture and the type, and an inventory is immutable: sweeps over
        // contexts, engines or devices (and a long-running server) reuse it. The bound keeps memory flat; clearing is
        // enough since a miss only costs the computation again.
        if (Predicted.Count >= MaxPredictionsKept)
            Predicted.Clear();
        Predicted[key] = inventory;
        return inventory;
    }

    private const int MaxPredictionsKept = 8;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(ModelSpec Spec, string Type), TensorInventory> Predicted = new();

    /// <summary>The inventory of <paramref name="spec"/>'s Hugging Face checkpoint stored in <paramref name="format"/>.</summary>
    public static TensorInventory Predict(ModelSpec spec, WeightFormat format)
    {
        bool moe = spec.Moe is not null;
        var scope = format.Quantizes(moe);
        // gpt-oss keeps its experts as bare parameters, not nn.Linear modules, so bitsandbytes leaves them in 16 bits.
        if (format is BnbInt8Format or Bnb4BitFormat && spec.Architecture == "gpt_oss")
            scope &= ~QuantizedTensors.Experts;

        var keep = SafetensorsDtype.FromName(format.KeepDtype)!;
        var tensors = SafetensorsLayout.Tensors(spec);
        // Quantized formats store up to four tensors (values, scales, zeros, a map) per matrix.
        var infos = new List<TensorInfo>(scope == QuantizedTensors.None ? tensors.Count : 4 * tensors.Count);
        foreach (var t in tensors)
        {
            string tensorName = t.Name;
            var category = t.Category;
            if (t.IsMatrix && t.Suffix == "weight" && t.Out > 0 && (scope & Scope(t.Role)) != 0)
            {
                long logical = checked(t.Out * t.In * t.Stack);
                foreach (var stored in format.Store(t.Out, t.In, t.Stack))
                {
                    string name = format is Mxfp4Format ? $"{t.Module}_{stored.Suffix}" : t.NameFor(stored.Suffix);
                    infos.Add(stored.IsMetadata
                        ? new TensorInfo(name, stored.Shape, stored.Dtype, stored.Elements, 0, stored.Bytes, TensorRole.QuantizationMetadata, category)
                        : new TensorInfo(name, stored.Shape, ValuesLabel(format, stored.Dtype), stored.Elements, logical, stored.Bytes, TensorRole.Weight, category));
                }
            }
            else
            {
                long elements = t.Elements;
                infos.Add(new TensorInfo(tensorName, t.Shape, keep.Name, elements, elements, keep.BytesFor(elements)!.Value, TensorRole.Weight, category));
            }
        }
        return new TensorInventory("safetensors", infos);
    }

    /// <summary>
    /// The weights type called <paramref name="weightsType"/>: a llama.cpp mix or a Hugging Face format. A name both know
    /// (BF16) resolves to <paramref name="preferred"/>, else safetensors; a <c>gguf:</c> or <c>safetensors:</c> prefix decides.
    /// Unknown names are a <see cref="UsageException"/> listing the closest known ones.
    /// </summary>
    public static WeightsType Resolve(string weightsType, WeightsContainer? preferred = null)
    {
        string text = weightsType.Trim();
        WeightsContainer? forced = null;
        foreach (var (prefix, container) in new[] { ("gguf:", WeightsContainer.Gguf), ("safetensors:", WeightsContainer.Safetensors), ("hf:", WeightsContainer.Safetensors) })
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                forced = container;
                text = text[prefix.Length..].Trim();
            }

        var mix = GgufQuantMix.Find(text.Replace('-', '_'));
        var format = FindFormat(text);
        WeightsContainer? choice = forced ?? (mix is not null && format is not null ? preferred ?? WeightsContainer.Safetensors : null);
        if (mix is not null && choice != WeightsContainer.Safetensors)
            return new WeightsType(WeightsContainer.Gguf, mix, null);
        if (format is not null && choice != WeightsContainer.Gguf)
            return new WeightsType(WeightsContainer.Safetensors, null, format);

        string where = forced switch
        {
            WeightsContainer.Gguf => " as a llama.cpp GGUF type",
            WeightsContainer.Safetensors => " as a safetensors format",
            _ => "",
        };
        throw new UsageException(
            $"unknown weights type \"{weightsType.Trim()}\"{where}; known: {string.Join(", ", KnownTypes)} (GPTQ/AWQ take -G<group size>)",
            Suggest(text));
    }

    /// <summary>Known names closest to <paramref name="name"/>, best first (edit distance and substring, as the catalog suggests ids).</summary>
    public static IReadOnlyList<string> Suggest(string name, int max = 3)
    {
        // Separators do not count: "q5km" is Q5_K_M, "gptq int4" is GPTQ-INT4.
        static string Bare(string s) => new(s.ToUpperInvariant().Where(char.IsLetterOrDigit).ToArray());
        string q = Bare(name);
        int limit = Math.Max(2, q.Length / 2);
        return KnownTypes.Concat(GgufQuantMix.AliasNames)
            .Select(n => (Name: n, Score: q.Length > 0 && Bare(n).Contains(q, StringComparison.Ordinal) ? 0 : EditDistance.Between(q, Bare(n), limit)))
            .Where(x => x.Score <= limit)
            .OrderBy(x => x.Score).ThenBy(x => x.Name.Length).ThenBy(x => x.Name, StringComparer.Ordinal)
            .Select(x => x.Name).Distinct().Take(max).ToList();
    }

    private static WeightFormat? FindFormat(string text)
    {
        string n = text.ToUpperInvariant().Replace('_', '-');
        switch (n)
        {
            case "FP32" or "FLOAT32": return WeightFormat.Fp32;
            case "FP16" or "FLOAT16": return WeightFormat.Fp16;
            case "BF16" or "BFLOAT16": return WeightFormat.Bf16;
            case "FP8" or "FP8-E4M3" or "FP8-CHANNEL": return WeightFormat.Fp8;
            case "FP8-TENSOR": return WeightFormat.Fp8PerTensor;
            case "FP8-BLOCK" or "FP8-BLOCK128": return WeightFormat.Fp8Block;
            case "FP8-E5M2": return WeightFormat.Fp8E5M2;
            case "INT8" or "BNB-INT8" or "LLM.INT8": return WeightFormat.Int8;
            case "NF4" or "BNB-NF4": return WeightFormat.Nf4;
            case "NF4-DQ" or "BNB-NF4-DQ": return WeightFormat.Nf4DoubleQuant;
            case "FP4" or "BNB-FP4": return WeightFormat.Fp4;
            case "FP4-DQ" or "BNB-FP4-DQ": return WeightFormat.Fp4DoubleQuant;
            case "MXFP4": return WeightFormat.Mxfp4;
        }
        var m = GroupedFormat().Match(n);
        if (!m.Success)
            return null;
        bool gptq = m.Groups["method"].Value == "GPTQ";
        int bits = m.Groups["bits"].Success ? int.Parse(m.Groups["bits"].Value, CultureInfo.InvariantCulture) : 4;
        int group = !m.Groups["group"].Success ? 128
            : m.Groups["group"].Value is "-1" or "CHANNEL" ? -1
            : int.TryParse(m.Groups["group"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int g) && g is > 0 and <= 1 << 20 ? g : 0;
        if (group == 0 || (gptq ? bits is not (2 or 3 or 4 or 8) : bits is not (4 or 8)))
            return null;
        return gptq ? WeightFormat.Gptq(bits, group) : WeightFormat.Awq(bits, group);
    }

    [GeneratedRegex(@"^(?<method>GPTQ|AWQ)(-INT(?<bits>\d))?(-G(?<group>-1|CHANNEL|\d+))?$")]
    private static partial Regex GroupedFormat();

    private static QuantizedTensors Scope(GgufTensorRole role) => role switch
    {
        GgufTensorRole.Projection => QuantizedTensors.Projections,
        GgufTensorRole.Experts => QuantizedTensors.Experts,
        GgufTensorRole.Router => QuantizedTensors.Routers,
        GgufTensorRole.TokenEmbedding or GgufTensorRole.PositionEmbedding => QuantizedTensors.Embeddings,
        GgufTensorRole.Output => QuantizedTensors.Output,
        _ => QuantizedTensors.Vectors,
    };

    /// <summary>The type label of a packed weight, as the safetensors reader names it (GPTQ_INT4, AWQ_INT4, BNB_NF4, MXFP4).</summary>
    private static string ValuesLabel(WeightFormat format, string dtype) => format switch
    {
        GptqFormat g => $"GPTQ_INT{g.Bits}",
        AwqFormat a => $"AWQ_INT{a.Bits}",
        Bnb4BitFormat b => $"BNB_{b.QuantType.ToUpperInvariant()}",
        Mxfp4Format => "MXFP4",
        _ => dtype,
    };
}
