using System.Globalization;
using System.Text.Json;
using LlmSizer.Serialization;

namespace LlmSizer.Formats.Safetensors;

/// <summary>
/// Reads what a checkpoint's side files say about its quantization: <c>quantization_config</c> in
/// <c>config.json</c> (transformers' quantizer configs: GPTQConfig, AwqConfig, BitsAndBytesConfig, FineGrainedFP8Config,
/// Mxfp4Config, compressed-tensors), or AutoGPTQ's <c>quantize_config.json</c> and AutoAWQ's <c>quant_config.json</c>.
/// These files only refine how packed tensors are read, so a broken one is a note, never an error.
/// </summary>
public static class QuantizationConfigReader
{
    /// <summary>Largest side file read, in bytes; real ones are a few KB.</summary>
    public const long MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>Side files looked for beside the weights, in order; the first that states a quantization wins.</summary>
    public static IReadOnlyList<string> FileNames { get; } = ["config.json", "quantize_config.json", "quant_config.json"];

    /// <summary>Looks for the side files in <paramref name="folder"/>; null when none states a quantization.</summary>
    public static SafetensorsQuantization? ReadFolder(string folder, ICollection<string> notes)
    {
        foreach (string file in FileNames)
        {
            string path = Path.Combine(folder, file);
            if (!File.Exists(path))
                continue;
            byte[] bytes;
            try
            {
                long length = new FileInfo(path).Length;
                if (length > MaxFileBytes)
                {
                    notes.Add($"{file} is {length:N0} bytes, over the {MaxFileBytes:N0}-byte limit; not read for quantization settings");
                    continue;
                }
                bytes = File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                notes.Add($"{file} could not be read ({e.Message}); not used for quantization settings");
                continue;
            }
            var found = Parse(bytes, file, notes);
            if (found is not null)
                return found;
        }
        return null;
    }

    /// <summary>
    /// Parses one side file named <paramref name="fileName"/>: from <c>config.json</c> its <c>quantization_config</c>
    /// (or the older <c>compression_config</c>); from <c>quantize_config.json</c> (GPTQ unless it says otherwise) and
    /// <c>quant_config.json</c> (AWQ unless it says otherwise) the whole object.
    /// </summary>
    public static SafetensorsQuantization? Parse(ReadOnlySpan<byte> json, string fileName, ICollection<string> notes)
    {
        string name = Path.GetFileName(fileName);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            notes.Add($"{name} is not valid JSON; not used for quantization settings");
            return null;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                notes.Add($"{name} is not a JSON object; not used for quantization settings");
                return null;
            }
            if (JsonStrings.FirstUndecodable(root) is { } field)
            {
                notes.Add($"{name}: '{field}' is not valid UTF-8 text; not used for quantization settings");
                return null;
            }
            if (name == "config.json")
            {
                if (!root.TryGetProperty("quantization_config", out var q) && !root.TryGetProperty("compression_config", out q))
                    return null;
                if (q.ValueKind != JsonValueKind.Object)
                {
                    notes.Add($"{name}: quantization_config is not an object; ignored");
                    return null;
                }
                return FromObject(q, name, defaultMethod: null, notes);
            }
            string? fallback = name == "quant_config.json" ? "awq" : "gptq";
            return FromObject(root, name, fallback, notes);
        }
    }

    private static SafetensorsQuantization? FromObject(JsonElement q, string source, string? defaultMethod, ICollection<string> notes)
    {
        bool in4 = Bool(q, "load_in_4bit"), in8 = Bool(q, "load_in_8bit");
        string? method = String(q, "quant_method")?.ToLowerInvariant()
            ?? (in4 || in8 ? "bitsandbytes" : defaultMethod);
        if (method is null)
        {
            notes.Add($"{source}: quantization_config names no quant_method; tensors are counted as stored");
            return null;
        }
        int? bits = Int(q, "bits", source, notes) ?? Int(q, "w_bit", source, notes);
        int? group = Int(q, "group_size", source, notes) ?? Int(q, "q_group_size", source, notes);
        return method switch
        {
            "gptq" => new(QuantizationMethod.Gptq, method, bits, group, String(q, "checkpoint_format"), source),
            "awq" => new(QuantizationMethod.Awq, method, bits, group, String(q, "version")?.ToLowerInvariant(), source),
            // BitsAndBytesConfig's bnb_4bit_quant_type defaults to fp4.
            "bitsandbytes" when in4 => new(QuantizationMethod.BitsAndBytes4Bit, method, 4, null, String(q, "bnb_4bit_quant_type") ?? "fp4", source),
            "bitsandbytes" when in8 => new(QuantizationMethod.BitsAndBytes8Bit, method, 8, null, "int8", source),
            "fp8" or "fbgemm_fp8" => new(QuantizationMethod.Fp8, method, 8, null, String(q, "fmt"), source),
            // OCP MX: one shared E8M0 scale per block of 32 values.
            "mxfp4" => new(QuantizationMethod.Mxfp4, method, 4, 32, null, source),
            "compressed-tensors" => CompressedTensors(q, source, notes),
            _ => new(QuantizationMethod.Other, method, bits, group, null, source),
        };
    }

    /// <summary>compressed-tensors states bits per group of targeted modules under config_groups.*.weights.</summary>
    private static SafetensorsQuantization CompressedTensors(JsonElement q, string source, ICollection<string> notes)
    {
        var bits = new List<int>();
        int? group = null;
        if (q.TryGetProperty("config_groups", out var groups) && groups.ValueKind == JsonValueKind.Object)
            foreach (var g in groups.EnumerateObject())
                if (g.Value.ValueKind == JsonValueKind.Object && g.Value.TryGetProperty("weights", out var w) && w.ValueKind == JsonValueKind.Object)
                {
                    if (Int(w, "num_bits", source, notes) is { } b && !bits.Contains(b))
                        bits.Add(b);
                    group ??= Int(w, "group_size", source, notes);
                }
        if (bits.Count > 1)
            notes.Add($"{source}: config_groups quantize with {string.Join(" and ", bits)} bits; packed integer tensors are counted with {bits[0]}");
        return new(QuantizationMethod.CompressedTensors, "compressed-tensors", bits.Count > 0 ? bits[0] : null, group, String(q, "format"), source);
    }

    private static string? String(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static bool Bool(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static int? Int(JsonElement o, string name, string source, ICollection<string> notes)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return null;
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i))
            return i;
        if (v.ValueKind == JsonValueKind.String && int.TryParse(v.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out i))
            return i;
        notes.Add($"{source}: {name} is not an integer; ignored");
        return null;
    }
}
