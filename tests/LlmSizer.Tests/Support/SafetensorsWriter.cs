using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LlmSizer.Tests.Support;

/// <summary>
/// Writes .safetensors files for tests: the 8-byte length, the JSON header, then a sparse data section
/// (<see cref="FileStream.SetLength"/>), so a 13 GB model takes no disk. Offsets are laid out one tensor after another.
/// Raw entries and <see cref="WriteRaw"/> produce broken files on purpose.
/// </summary>
internal sealed class SafetensorsWriter
{
    /// <summary>Bits per element, written out here independently of the library so the tests check its table.</summary>
    public static readonly IReadOnlyDictionary<string, int> DtypeBits = new Dictionary<string, int>
    {
        ["BOOL"] = 8, ["U8"] = 8, ["I8"] = 8, ["F8_E5M2"] = 8, ["F8_E4M3"] = 8, ["F8_E8M0"] = 8,
        ["F8_E4M3FNUZ"] = 8, ["F8_E5M2FNUZ"] = 8, ["I16"] = 16, ["U16"] = 16, ["F16"] = 16, ["BF16"] = 16,
        ["I32"] = 32, ["U32"] = 32, ["F32"] = 32, ["C64"] = 64, ["F64"] = 64, ["I64"] = 64, ["U64"] = 64,
        ["F4"] = 4, ["F6_E2M3"] = 6, ["F6_E3M2"] = 6,
    };

    private readonly List<(string Name, string Value)> entries = [];
    private readonly List<(string Key, string Value)> metadata = [];

    /// <summary>Bytes of the data section laid out so far.</summary>
    public long DataLength { get; private set; }

    /// <summary>Tensor bytes by name, as laid out.</summary>
    public Dictionary<string, long> Sizes { get; } = [];

    public int Count => entries.Count;

    /// <summary>Adds a tensor right after the previous one.</summary>
    public SafetensorsWriter Add(string name, string dtype, params long[] shape)
    {
        long bits = shape.Aggregate(1L, (a, d) => checked(a * d)) * DtypeBits[dtype];
        long bytes = bits / 8;
        entries.Add((name, $"{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{DataLength},{DataLength + bytes}]}}"));
        Sizes[name] = bytes;
        DataLength += bytes;
        return this;
    }

    /// <summary>Adds a header entry written verbatim, e.g. a broken tensor description.</summary>
    public SafetensorsWriter AddRaw(string name, string rawJsonValue)
    {
        entries.Add((name, rawJsonValue));
        return this;
    }

    public SafetensorsWriter Metadata(string key, string value)
    {
        metadata.Add((key, value));
        return this;
    }

    /// <summary>The JSON header, with __metadata__ first, as the reference writer puts it.</summary>
    public string HeaderJson()
    {
        var parts = new List<string>();
        if (metadata.Count > 0)
            parts.Add($"\"__metadata__\":{{{string.Join(",", metadata.Select(m => $"{Quote(m.Key)}:{Quote(m.Value)}"))}}}");
        parts.AddRange(entries.Select(e => $"{Quote(e.Name)}:{e.Value}"));
        return "{" + string.Join(",", parts) + "}";
    }

    /// <summary>Writes the file; <paramref name="dataLength"/> overrides the data section's length (to truncate or pad it).</summary>
    public string Write(string path, long? dataLength = null)
    {
        byte[] header = Encoding.UTF8.GetBytes(HeaderJson());
        // The reference writer pads the header with spaces to a multiple of 8 bytes.
        int padded = (header.Length + 7) / 8 * 8;
        var bytes = new byte[padded];
        Array.Fill(bytes, (byte)' ');
        header.CopyTo(bytes, 0);
        WriteRaw(path, (ulong)padded, bytes, 8 + padded + (dataLength ?? DataLength));
        return path;
    }

    /// <summary>Writes any prefix and header bytes, then sets the file's length (sparse beyond what was written, truncating below it).</summary>
    public static string WriteRaw(string path, ulong declaredHeaderLength, byte[] header, long fileLength)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, declaredHeaderLength);
        file.Write(prefix);
        file.Write(header);
        file.SetLength(fileLength);
        return path;
    }

    /// <summary>Writes a file whose header is <paramref name="headerJson"/> as given, followed by <paramref name="dataLength"/> bytes.</summary>
    public static string WriteHeader(string path, string headerJson, long dataLength = 0)
    {
        byte[] header = Encoding.UTF8.GetBytes(headerJson);
        return WriteRaw(path, (ulong)header.Length, header, 8 + header.Length + dataLength);
    }

    /// <summary>Writes a model.safetensors.index.json mapping each tensor to its shard.</summary>
    public static string WriteIndex(string path, IEnumerable<KeyValuePair<string, string>> weightMap, long? totalSize)
    {
        string metadata = totalSize is { } t ? $"\"metadata\":{{\"total_size\":{t.ToString(CultureInfo.InvariantCulture)}}}," : "";
        string map = string.Join(",\n    ", weightMap.Select(p => $"{Quote(p.Key)}: {Quote(p.Value)}"));
        File.WriteAllText(path, $"{{\n  {metadata}\n  \"weight_map\": {{\n    {map}\n  }}\n}}\n");
        return path;
    }

    /// <summary>
    /// Splits <paramref name="tensors"/> into <paramref name="shards"/> files in <paramref name="folder"/>, as transformers
    /// names them, and writes the index; returns the index path.
    /// </summary>
    public static string WriteSharded(string folder, IReadOnlyList<(string Name, string Dtype, long[] Shape)> tensors, int shards, long? totalSizeOverride = null)
    {
        var map = new List<KeyValuePair<string, string>>();
        long total = 0;
        int per = (tensors.Count + shards - 1) / shards;
        for (int s = 0; s < shards; s++)
        {
            string file = $"model-{s + 1:00000}-of-{shards:00000}.safetensors";
            var writer = new SafetensorsWriter().Metadata("format", "pt");
            foreach (var (name, dtype, shape) in tensors.Skip(s * per).Take(per))
            {
                writer.Add(name, dtype, shape);
                map.Add(new(name, file));
            }
            total += writer.DataLength;
            writer.Write(Path.Combine(folder, file));
        }
        return WriteIndex(Path.Combine(folder, "model.safetensors.index.json"), map, totalSizeOverride ?? total);
    }

    private static string Quote(string s) => JsonSerializer.Serialize(s);
}
