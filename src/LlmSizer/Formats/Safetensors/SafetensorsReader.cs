using System.Buffers.Binary;
using System.Text.Json;
using LlmSizer.Errors;

namespace LlmSizer.Formats.Safetensors;

/// <summary>
/// Reads and validates the header of a <c>.safetensors</c> file: an 8-byte little-endian length N, then N bytes of
/// UTF-8 JSON mapping tensor names to <c>{"dtype", "shape", "data_offsets"}</c>, with an optional
/// <c>__metadata__</c> map of strings; the tensor data follows. Only the 8 + N header bytes are read.
/// Rules follow the format's README and reference implementation (huggingface/safetensors): N is at most
/// 100,000,000; names appear once; each tensor's byte range matches its shape and dtype and lies inside the
/// data section; no two tensors share bytes. Bytes that belong to no tensor are reported as a note.
/// </summary>
public static class SafetensorsReader
{
    /// <summary>The format's own limit on the JSON header (the reference implementation's MAX_HEADER_SIZE), in bytes.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Most dimensions accepted in a shape; real tensors have a handful.</summary>
    public const int MaxDimensions = 64;

    /// <summary>Reads the header of <paramref name="source"/>; throws <see cref="InputException"/> naming the offset or tensor at fault.</summary>
    public static SafetensorsHeader Read(IByteSource source)
    {
        string name = source.Name;
        long length = source.Length;
        if (length < 8)
            throw InputException.AtOffset(name, 0, $"expected an 8-byte little-endian header length, found a file of {length} bytes");
        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(source, 0, prefix);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > MaxHeaderBytes)
            throw InputException.AtOffset(name, 0,
                $"expected a header length of at most {MaxHeaderBytes:N0} bytes (the format's limit), found {n:N0}");
        // Checked before allocating: the buffer is never larger than what the file holds.
        if ((long)n > length - 8)
            throw InputException.AtOffset(name, 0,
                $"expected a header length of at most {length - 8:N0} bytes (what follows the length in this {length:N0}-byte file), found {n:N0}");
        return Parse(ReadHeader(source, (int)n), name, length);
    }

    /// <summary>
    /// Reads the N header bytes in chunks that grow only as bytes actually arrive, so a source whose stated length
    /// is a lie (a remote server, a file truncated while read) cannot make the reader allocate what it never sends.
    /// </summary>
    private static byte[] ReadHeader(IByteSource source, int n)
    {
        const int firstChunk = 1 << 20;
        var buffer = new byte[Math.Min(n, firstChunk)];
        int done = 0;
        while (true)
        {
            ReadExactly(source, 8 + done, buffer.AsSpan(done));
            done = buffer.Length;
            if (done == n)
                return buffer;
            Array.Resize(ref buffer, (int)Math.Min(n, 2L * done));
        }
    }

    /// <summary>
    /// Validates header JSON already read: <paramref name="json"/> is the N bytes after the length prefix of a file of
    /// <paramref name="fileLength"/> bytes named <paramref name="source"/>.
    /// </summary>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> json, string source, long fileLength)
    {
        if (json.Length > MaxHeaderBytes)
            throw InputException.AtOffset(source, 0, $"expected a header length of at most {MaxHeaderBytes:N0} bytes (the format's limit), found {json.Length:N0}");
        long dataLength = fileLength - 8 - json.Length;
        if (dataLength < 0)
            throw InputException.AtOffset(source, 0, $"expected a file of at least {8 + json.Length:N0} bytes, found {fileLength:N0}");
        if (json.Trim(" \t\r\n\0"u8).IsEmpty)
            throw InputException.AtOffset(source, 8, "expected a JSON object header, found an empty header");
        var tensors = new List<SafetensorsTensor>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            ReadRoot(ref reader, source, dataLength, tensors, metadata);
        }
        catch (JsonException e)
        {
            long at = JsonText.OffsetOf(json, e);
            throw InputException.AtOffset(source, 8 + at, $"expected valid JSON in the header, found {JsonText.DescribeByteAt(json, at)}");
        }
        catch (InvalidOperationException)
        {
            // GetString refuses invalid UTF-8 (or a bad escape) inside a name or a string value.
            throw InputException.AtOffset(source, 8 + reader.TokenStartIndex, "expected UTF-8 text in the header's strings, found invalid bytes");
        }

        for (long i = reader.BytesConsumed; i < json.Length; i++)
            if (json[(int)i] is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0))
                throw InputException.AtOffset(source, 8 + i,
                    $"expected only space padding after the header's JSON object, found {JsonText.DescribeByteAt(json, i)}");

        var notes = new List<string>();
        CheckRanges(tensors, source, dataLength, notes);
        return new SafetensorsHeader(source, fileLength, json.Length, tensors, metadata, notes);
    }

    private static void ReadRoot(ref Utf8JsonReader reader, string source, long dataLength,
        List<SafetensorsTensor> tensors, Dictionary<string, string> metadata)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
            throw InputException.AtOffset(source, 8 + reader.TokenStartIndex,
                $"expected the header to be a JSON object, found {JsonText.Describe(ref reader)}");
        var names = new HashSet<string>(StringComparer.Ordinal);
        bool sawMetadata = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString()!;
            reader.Read();
            if (name == "__metadata__")
            {
                if (sawMetadata)
                    throw new InputException(source, "__metadata__", "expected one __metadata__ entry, found a second");
                sawMetadata = true;
                ReadMetadata(ref reader, source, metadata);
                continue;
            }
            // JSON allows duplicate keys; the format does not, and a second entry would silently replace the first.
            if (!names.Add(name))
                throw new InputException(source, Location(name), "expected each tensor name once in the header, found it a second time");
            tensors.Add(ReadTensor(ref reader, source, name, dataLength));
        }
    }

    private static void ReadMetadata(ref Utf8JsonReader reader, string source, Dictionary<string, string> metadata)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new InputException(source, "__metadata__", $"expected an object of strings, found {JsonText.Describe(ref reader)}");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string key = reader.GetString()!;
            reader.Read();
            string location = $"__metadata__ '{Excerpt.Shorten(key)}'";
            if (reader.TokenType != JsonTokenType.String)
                throw new InputException(source, location, $"expected a string value (the format allows no other), found {JsonText.Describe(ref reader)}");
            if (!metadata.TryAdd(key, reader.GetString()!))
                throw new InputException(source, location, "expected each metadata key once, found it a second time");
        }
    }

    private static SafetensorsTensor ReadTensor(ref Utf8JsonReader reader, string source, string name, long dataLength)
    {
        string location = Location(name);
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new InputException(source, location, $"expected an object with dtype, shape and data_offsets, found {JsonText.Describe(ref reader)}");
        string? dtypeName = null;
        List<long>? shape = null;
        long[]? offsets = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string field = reader.GetString()!;
            reader.Read();
            switch (field)
            {
                case "dtype":
                    Once(dtypeName is not null, source, location, field);
                    if (reader.TokenType != JsonTokenType.String)
                        throw new InputException(source, location, $"expected dtype to be a string such as \"BF16\", found {JsonText.Describe(ref reader)}");
                    dtypeName = reader.GetString()!;
                    break;
                case "shape":
                    Once(shape is not null, source, location, field);
                    shape = ReadShape(ref reader, source, location);
                    break;
                case "data_offsets":
                    Once(offsets is not null, source, location, field);
                    offsets = ReadOffsets(ref reader, source, location);
                    break;
                default:
                    // Unknown fields are ignored, as the reference implementation's deserializer does.
                    reader.Skip();
                    break;
            }
        }
        if (dtypeName is null)
            throw new InputException(source, location, "expected a \"dtype\" field, found none");
        if (shape is null)
            throw new InputException(source, location, "expected a \"shape\" field, found none");
        if (offsets is null)
            throw new InputException(source, location, "expected a \"data_offsets\" field, found none");

        var dtype = SafetensorsDtype.FromName(dtypeName) ?? throw new InputException(source, location,
            $"expected a dtype of {string.Join(", ", SafetensorsDtype.All.Select(d => d.Name))}; found \"{Excerpt.Shorten(dtypeName)}\"");
        string shapeText = $"[{string.Join(", ", shape)}]";
        long elements, bytes;
        try
        {
            elements = 1;
            foreach (long d in shape)
                elements = checked(elements * d);
            bytes = dtype.BytesFor(elements) ?? throw new InputException(source, location,
                $"expected {dtype.Name} values to fill whole bytes, found shape {shapeText}: {elements} values of {dtype.Bits} bits");
        }
        catch (OverflowException)
        {
            throw new InputException(source, location, $"expected a shape whose size in bytes fits in 64 bits, found {shapeText} of {dtype.Name}");
        }

        long begin = offsets[0], end = offsets[1];
        if (begin > end)
            throw new InputException(source, location, $"expected data_offsets [begin, end] with begin ≤ end, found [{begin}, {end}]");
        if (end - begin != bytes)
            throw new InputException(source, location,
                $"expected data_offsets spanning {bytes} bytes (shape {shapeText} of {dtype.Name}), found [{begin}, {end}] spanning {end - begin}");
        if (end > dataLength)
            throw new InputException(source, location,
                $"expected data_offsets within the {dataLength} bytes of data after the header, found [{begin}, {end}] (the file is truncated or the offsets are wrong)");
        return new SafetensorsTensor(name, dtype, shape, elements, begin, end, source);
    }

    private static List<long> ReadShape(ref Utf8JsonReader reader, string source, string location)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new InputException(source, location, $"expected shape to be an array of non-negative integers, found {JsonText.Describe(ref reader)}");
        var shape = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long d) || d < 0)
                throw new InputException(source, location, $"expected shape to list non-negative integers, found {JsonText.Describe(ref reader)}");
            if (shape.Count == MaxDimensions)
                throw new InputException(source, location, $"expected a shape of at most {MaxDimensions} dimensions, found more");
            shape.Add(d);
        }
        return shape;
    }

    private static long[] ReadOffsets(ref Utf8JsonReader reader, string source, string location)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new InputException(source, location, $"expected data_offsets to be an array [begin, end], found {JsonText.Describe(ref reader)}");
        var offsets = new long[2];
        int count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (count == 2)
                throw new InputException(source, location, "expected data_offsets to be [begin, end], found more than two values");
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long v) || v < 0)
                throw new InputException(source, location, $"expected data_offsets to hold non-negative integers, found {JsonText.Describe(ref reader)}");
            offsets[count++] = v;
        }
        if (count != 2)
            throw new InputException(source, location, $"expected data_offsets to be [begin, end], found {count} value{(count == 1 ? "" : "s")}");
        return offsets;
    }

    private static void Once(bool seen, string source, string location, string field)
    {
        if (seen)
            throw new InputException(source, location, $"expected one \"{field}\" field, found a second");
    }

    /// <summary>Refuses tensors sharing bytes; notes bytes that belong to no tensor (the reference reader refuses those too, but they change no count).</summary>
    private static void CheckRanges(List<SafetensorsTensor> tensors, string source, long dataLength, List<string> notes)
    {
        var sorted = tensors.Where(t => t.End > t.Begin).OrderBy(t => t.Begin).ThenBy(t => t.End).ToList();
        long covered = 0;
        SafetensorsTensor? previous = null;
        foreach (var t in sorted)
        {
            if (previous is not null && t.Begin < previous.End)
                throw new InputException(source, Location(t.Name),
                    $"expected bytes no other tensor uses, found [{t.Begin}, {t.End}] overlapping tensor '{Excerpt.Shorten(previous.Name)}' at [{previous.Begin}, {previous.End}]");
            covered += t.Bytes;
            previous = t;
        }
        long unused = dataLength - covered;
        if (unused > 0)
            notes.Add($"{source}: {unused:N0} of the {dataLength:N0} data bytes belong to no tensor (gaps or trailing bytes; the format expects none)");
    }

    private static string Location(string tensorName) => $"tensor '{Excerpt.Shorten(tensorName)}'";

    private static void ReadExactly(IByteSource source, long offset, Span<byte> buffer)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n;
            try
            {
                n = source.Read(offset + done, buffer[done..]);
            }
            catch (IOException e)
            {
                throw InputException.AtOffset(source.Name, offset + done, $"expected to read {buffer.Length - done} more bytes, found an I/O error: {e.Message}");
            }
            if (n <= 0)
                throw InputException.AtOffset(source.Name, offset + done, $"expected {buffer.Length - done} more bytes, found the end of the file");
            done += n;
        }
    }
}
