using System.Text.Json;
using LlmSizer.Errors;

namespace LlmSizer.Formats.Safetensors;

/// <summary>
/// Reads <c>model.safetensors.index.json</c>, the file transformers writes beside sharded weights:
/// <c>{"metadata": {"total_size": BYTES}, "weight_map": {"TENSOR": "SHARD FILE"}}</c>.
/// </summary>
public static class SafetensorsIndexReader
{
    /// <summary>Largest index accepted, in bytes (64 MiB); the largest real ones (100,000+ expert tensors) are a few MB.</summary>
    public const long MaxIndexBytes = 64L * 1024 * 1024;

    /// <summary>Reads the whole index from <paramref name="source"/>.</summary>
    public static SafetensorsIndex Read(IByteSource source)
    {
        long length = source.Length;
        if (length > MaxIndexBytes)
            throw new InputException(source.Name, "file", $"expected an index of at most {MaxIndexBytes:N0} bytes, found {length:N0} bytes");
        var bytes = new byte[length];
        int done = 0;
        while (done < bytes.Length)
        {
            int n;
            try
            {
                n = source.Read(done, bytes.AsSpan(done));
            }
            catch (IOException e)
            {
                throw InputException.AtOffset(source.Name, done, $"expected to read {length - done} more bytes, found an I/O error: {e.Message}");
            }
            if (n <= 0)
                throw InputException.AtOffset(source.Name, done, $"expected {length - done} more bytes, found the end of the file");
            done += n;
        }
        return Parse(bytes, source.Name);
    }

    /// <summary>Parses index JSON; <paramref name="source"/> names it in errors.</summary>
    public static SafetensorsIndex Parse(ReadOnlySpan<byte> json, string source)
    {
        if (json.Length > MaxIndexBytes)
            throw new InputException(source, "file", $"expected an index of at most {MaxIndexBytes:N0} bytes, found {json.Length:N0} bytes");
        // A UTF-8 byte order mark is tolerated: some editors add one.
        if (json.StartsWith("\uFEFF"u8))
            json = json[3..];
        if (json.Trim(" \t\r\n"u8).IsEmpty)
            throw new InputException(source, "root", "expected a JSON object, found nothing");
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        var map = new List<KeyValuePair<string, string>>();
        var notes = new List<string>();
        long? totalSize = null;
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new InputException(source, "root", $"expected a JSON object, found {JsonText.Describe(ref reader)}");
            bool sawMap = false, sawMetadata = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                reader.Read();
                switch (key)
                {
                    case "weight_map":
                        if (sawMap)
                            throw new InputException(source, "field 'weight_map'", "expected one weight_map, found a second");
                        sawMap = true;
                        ReadWeightMap(ref reader, source, map);
                        break;
                    case "metadata":
                        if (sawMetadata)
                            throw new InputException(source, "field 'metadata'", "expected one metadata object, found a second");
                        sawMetadata = true;
                        totalSize = ReadTotalSize(ref reader, notes);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (!sawMap)
                throw new InputException(source, "field 'weight_map'", "expected an object mapping tensor names to shard files, found none");
        }
        catch (JsonException e)
        {
            long at = JsonText.OffsetOf(json, e);
            throw InputException.AtOffset(source, at, $"expected valid JSON, found {JsonText.DescribeByteAt(json, at)}");
        }
        catch (InvalidOperationException)
        {
            throw InputException.AtOffset(source, reader.TokenStartIndex, "expected UTF-8 text in the index's strings, found invalid bytes");
        }
        if (map.Count == 0)
            throw new InputException(source, "field 'weight_map'", "expected at least one tensor, found an empty map");
        if (totalSize is null && notes.Count == 0)
            notes.Add($"{source}: metadata.total_size is absent; the shards' sizes are not checked against it");
        return new SafetensorsIndex(source, totalSize, map, notes);
    }

    private static void ReadWeightMap(ref Utf8JsonReader reader, string source, List<KeyValuePair<string, string>> map)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new InputException(source, "field 'weight_map'", $"expected an object mapping tensor names to shard files, found {JsonText.Describe(ref reader)}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string tensor = reader.GetString()!;
            string location = $"weight_map '{Excerpt.Shorten(tensor)}'";
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
                throw new InputException(source, location, $"expected a shard file name, found {JsonText.Describe(ref reader)}");
            string shard = reader.GetString()!;
            if (!IsPlainRelativeName(shard))
                throw new InputException(source, location, $"expected a shard file name beside the index, found \"{Excerpt.Shorten(shard)}\"");
            // Duplicate JSON keys would let a later entry silently replace an earlier one.
            if (!seen.Add(tensor))
                throw new InputException(source, location, "expected each tensor once in weight_map, found it a second time");
            map.Add(new(tensor, shard));
        }
    }

    private static long? ReadTotalSize(ref Utf8JsonReader reader, List<string> notes)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            notes.Add("the index's metadata is not an object; its total_size is not checked");
            return null;
        }
        long? total = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            if (key != "total_size")
            {
                reader.Skip();
                continue;
            }
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long v) && v >= 0)
                total = v;
            else if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double d) && d >= 0 && d < 9e18 && d == Math.Floor(d))
                total = (long)d;
            else
                notes.Add($"the index's metadata.total_size is {JsonText.Describe(ref reader)}, not a byte count; it is not checked");
        }
        return total;
    }

    /// <summary>A shard name must stay beside the index: no rooted paths, no "..", no empty segments.</summary>
    private static bool IsPlainRelativeName(string name) =>
        name.Length is > 0 and <= 1024
        && !Path.IsPathRooted(name)
        && name.IndexOfAny(['\0', ':']) < 0
        && name.Split('/', '\\').All(s => s.Length > 0 && s != "." && s != "..");
}
