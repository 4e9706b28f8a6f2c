using System.Text;
using LlmSizer.Formats.Gguf;
using LlmSizer.Precision;

namespace LlmSizer.Tests.Support;

/// <summary>
/// Writes GGUF files for tests, after ggml's docs/gguf.md: magic, version, counts, metadata of every value type
/// (nested arrays included), tensor infos and aligned offsets. The tensor data is not written: the file is extended
/// to its full length with <see cref="FileStream.SetLength"/>, which is sparse on Linux, so a 400 GB model's
/// header costs a few KB of disk. Every field can be overridden to produce broken files, and the writer records
/// where each field landed (<see cref="Positions"/>) so tests can name the offsets errors point at.
/// </summary>
internal sealed class GgufWriter
{
    private readonly List<(string Key, Value Value)> entries = [];
    private readonly List<TensorEntry> tensors = [];

    /// <summary>The version field as written (little-endian); a byte-swapped 3 makes a "big-endian" file.</summary>
    public uint Version { get; set; } = 3;

    public byte[] Magic { get; set; } = "GGUF"u8.ToArray();

    /// <summary>Replaces the tensor count the header states (the infos written stay as they are).</summary>
    public ulong? TensorCountOverride { get; set; }

    /// <summary>Replaces the metadata entry count the header states.</summary>
    public ulong? EntryCountOverride { get; set; }

    /// <summary>Alignment used to lay out offsets and the data section (not written: use <see cref="Aligned"/> for that).</summary>
    public int Alignment { get; set; } = GgufLimits.DefaultAlignment;

    /// <summary>Where fields landed in the last <see cref="Header"/>: "key:K", "value:K", "tensor:N", "dims:N", "type:N", "offset:N", "data".</summary>
    public Dictionary<string, long> Positions { get; } = [];

    /// <summary>Sets <c>general.alignment</c> (as uint32) and lays the file out with it.</summary>
    public GgufWriter Aligned(int alignment)
    {
        Alignment = alignment;
        return Add("general.alignment", Value.U32((uint)alignment));
    }

    public GgufWriter Add(string key, Value value)
    {
        entries.Add((key, value));
        return this;
    }

    /// <summary>Drops the entry under <paramref name="key"/> (to test files that lack it).</summary>
    public GgufWriter Remove(string key)
    {
        entries.RemoveAll(e => e.Key == key);
        return this;
    }

    public GgufWriter Add(string key, string text) => Add(key, Value.Str(text));

    public GgufWriter Add(string key, uint number) => Add(key, Value.U32(number));

    /// <summary>
    /// Adds a tensor info. <paramref name="dims"/> are in ggml order (ne[0], the row length, first), as GGUF stores them.
    /// The offset defaults to the next aligned position after the previous tensor.
    /// </summary>
    public GgufWriter Tensor(string name, int typeId, long[] dims, ulong? offset = null)
    {
        tensors.Add(new TensorEntry(name, typeId, dims, offset));
        return this;
    }

    public GgufWriter Tensor(string name, string typeName, params long[] dims) =>
        Tensor(name, GgmlType.FromName(typeName)!.Id, dims);

    /// <summary>Names of the tensors added so far, in order.</summary>
    public IReadOnlyList<string> TensorNames => tensors.Select(t => t.Name).ToList();

    /// <summary>
    /// Splits this model as llama.cpp's gguf-split does: <paramref name="parts"/> writers, the first holding all the
    /// metadata, each holding split.no (uint16), split.count (uint16), split.tensors.count (int32) and a contiguous
    /// share of the tensors (the first part none when <paramref name="emptyFirst"/>, like --no-tensor-first-split).
    /// </summary>
    public IReadOnlyList<GgufWriter> Split(int parts, bool emptyFirst = false)
    {
        var writers = new List<GgufWriter>();
        int withTensors = emptyFirst ? parts - 1 : parts;
        int per = (tensors.Count + withTensors - 1) / withTensors;
        for (int p = 0; p < parts; p++)
        {
            var w = new GgufWriter { Version = Version, Alignment = Alignment };
            if (p == 0)
                w.entries.AddRange(entries);
            w.Add("split.no", Value.U16((ushort)p)).Add("split.count", Value.U16((ushort)parts))
                .Add("split.tensors.count", Value.I32(tensors.Count));
            int share = emptyFirst ? p - 1 : p;
            if (share >= 0)
                w.tensors.AddRange(tensors.Skip(share * per).Take(per).Select(t => t with { Offset = null }));
            writers.Add(w);
        }
        return writers;
    }

    /// <summary>Writes the parts of <see cref="Split"/> as PREFIX-0000i-of-0000n.gguf into <paramref name="folder"/>; returns their paths.</summary>
    public IReadOnlyList<string> WriteSplit(string folder, string prefix, int parts, bool emptyFirst = false) =>
        Split(parts, emptyFirst).Select((w, i) => w.Write(Path.Combine(folder, $"{prefix}-{i + 1:D5}-of-{parts:D5}.gguf"))).ToList();

    /// <summary>Bytes of all tensor data as laid out: the end of the last tensor.</summary>
    public long DataBytes => Layout().End;

    /// <summary>The header: everything up to the data section, padding included.</summary>
    public byte[] Header()
    {
        Positions.Clear();
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write(TensorCountOverride ?? (ulong)tensors.Count);
        w.Write(EntryCountOverride ?? (ulong)entries.Count);
        foreach (var (key, value) in entries)
        {
            Positions[$"key:{key}"] = stream.Position;
            WriteString(w, key);
            w.Write((uint)value.Type);
            Positions[$"value:{key}"] = stream.Position;
            value.WritePayload(w);
        }
        var (offsets, _) = Layout();
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            Positions[$"tensor:{t.Name}"] = stream.Position;
            WriteString(w, t.Name);
            Positions[$"dims:{t.Name}"] = stream.Position;
            w.Write((uint)t.Dims.Length);
            foreach (long d in t.Dims)
                w.Write((ulong)d);
            Positions[$"type:{t.Name}"] = stream.Position;
            w.Write((uint)t.TypeId);
            Positions[$"offset:{t.Name}"] = stream.Position;
            w.Write(offsets[i]);
        }
        long data = (stream.Position + Alignment - 1) / Alignment * Alignment;
        Positions["data"] = data;
        w.Write(new byte[data - stream.Position]);
        w.Flush();
        return stream.ToArray();
    }

    /// <summary>Writes the header to <paramref name="path"/> and extends the file (sparsely) to <paramref name="length"/>, by default the header plus all tensor data.</summary>
    public string Write(string path, long? length = null)
    {
        byte[] header = Header();
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.Write(header);
        file.SetLength(length ?? header.Length + DataBytes);
        return path;
    }

    /// <summary>Writes only the first <paramref name="bytes"/> bytes of the header: a truncated file.</summary>
    public string WriteTruncated(string path, int bytes)
    {
        File.WriteAllBytes(path, Header()[..bytes]);
        return path;
    }

    private (ulong[] Offsets, long End) Layout()
    {
        var offsets = new ulong[tensors.Count];
        long cursor = 0, end = 0;
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            long aligned = (cursor + Alignment - 1) / Alignment * Alignment;
            offsets[i] = t.Offset ?? (ulong)aligned;
            long start = t.Offset is { } o ? (long)Math.Min(o, long.MaxValue / 2) : aligned;
            cursor = start + BytesOf(t);
            end = Math.Max(end, cursor);
        }
        return (offsets, end);
    }

    /// <summary>The tensor's data size, or 0 when it is deliberately broken (unknown type, bad shape).</summary>
    private static long BytesOf(TensorEntry t)
    {
        if (GgmlType.FromId(t.TypeId) is not { } type || t.Dims.Any(d => d <= 0))
            return 0;
        try
        {
            long elements = t.Dims.Aggregate(1L, (a, d) => checked(a * d));
            return type.BytesFor(elements) ?? 0;
        }
        catch (OverflowException)
        {
            return 0;
        }
    }

    internal static void WriteString(BinaryWriter w, string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private sealed record TensorEntry(string Name, int TypeId, long[] Dims, ulong? Offset);

    /// <summary>A metadata value: its type tag and how its payload is written.</summary>
    internal sealed class Value(GgufValueType type, Action<BinaryWriter> payload)
    {
        public GgufValueType Type { get; } = type;

        public void WritePayload(BinaryWriter w) => payload(w);

        public static Value U8(byte v) => new(GgufValueType.UInt8, w => w.Write(v));
        public static Value I8(sbyte v) => new(GgufValueType.Int8, w => w.Write(v));
        public static Value U16(ushort v) => new(GgufValueType.UInt16, w => w.Write(v));
        public static Value I16(short v) => new(GgufValueType.Int16, w => w.Write(v));
        public static Value U32(uint v) => new(GgufValueType.UInt32, w => w.Write(v));
        public static Value I32(int v) => new(GgufValueType.Int32, w => w.Write(v));
        public static Value F32(float v) => new(GgufValueType.Float32, w => w.Write(v));
        public static Value Bool(bool v) => new(GgufValueType.Bool, w => w.Write(v));
        public static Value Str(string v) => new(GgufValueType.String, w => WriteString(w, v));
        public static Value U64(ulong v) => new(GgufValueType.UInt64, w => w.Write(v));
        public static Value I64(long v) => new(GgufValueType.Int64, w => w.Write(v));
        public static Value F64(double v) => new(GgufValueType.Float64, w => w.Write(v));

        /// <summary>An array of <paramref name="items"/>, each of <paramref name="elementType"/> (their own tags are not written).</summary>
        public static Value Array(GgufValueType elementType, params Value[] items) => new(GgufValueType.Array, w =>
        {
            w.Write((uint)elementType);
            w.Write((ulong)items.Length);
            foreach (var item in items)
                item.WritePayload(w);
        });

        public static Value Strings(IEnumerable<string> items) => Array(GgufValueType.String, items.Select(Str).ToArray());

        public static Value U32s(IEnumerable<uint> items) => Array(GgufValueType.UInt32, items.Select(U32).ToArray());

        /// <summary>An array whose stated element type and count are written as given, followed by <paramref name="body"/>.</summary>
        public static Value RawArray(uint elementType, ulong count, byte[] body) => new(GgufValueType.Array, w =>
        {
            w.Write(elementType);
            w.Write(count);
            w.Write(body);
        });

        /// <summary>Any type tag followed by any bytes.</summary>
        public static Value Raw(uint type, byte[] payload) => new((GgufValueType)type, w => w.Write(payload));
    }
}
