using System.Globalization;

namespace LlmSizer.Formats.Gguf;

/// <summary>
/// One GGUF metadata value. Scalars keep their value. Strings keep their text up to
/// <see cref="GgufLimits.MaxKeptStringBytes"/> (longer ones keep only <see cref="ByteLength"/>). Arrays keep their
/// element type and <see cref="Count"/> always, and their <see cref="Items"/> only when small (per-layer arrays,
/// tags); a tokenizer's 150,000 tokens are skipped over, not materialised.
/// </summary>
public sealed class GgufValue
{
    private readonly ulong raw;   // integers (two's complement for signed), bool as 0/1, floats as IEEE bits of a double

    private GgufValue(GgufValueType type, ulong raw, string? text, long byteLength, GgufValueType? elementType, long count,
        IReadOnlyList<GgufValue>? items)
    {
        Type = type;
        this.raw = raw;
        Text = text;
        ByteLength = byteLength;
        ElementType = elementType;
        Count = count;
        Items = items;
    }

    public GgufValueType Type { get; }

    /// <summary>A string's text; null for other types and for strings too long to keep.</summary>
    public string? Text { get; }

    /// <summary>A string's length in bytes (UTF-8), kept or not; 0 for other types.</summary>
    public long ByteLength { get; }

    /// <summary>An array's element type; null for scalars.</summary>
    public GgufValueType? ElementType { get; }

    /// <summary>An array's element count; 1 for scalars.</summary>
    public long Count { get; }

    /// <summary>An array's elements when small enough to keep; null for scalars and for arrays skipped over.</summary>
    public IReadOnlyList<GgufValue>? Items { get; }

    public bool IsArray => Type == GgufValueType.Array;

    public bool IsInteger => GgufValueTypes.IsInteger(Type);

    /// <summary>An integer value as a 64-bit signed integer; null when not an integer or a uint64 above <see cref="long.MaxValue"/>.</summary>
    public long? AsInt64 => !IsInteger ? null : Type == GgufValueType.UInt64 && raw > long.MaxValue ? null : (long)raw;

    /// <summary>A numeric value (integer or float) as a double; null otherwise.</summary>
    public double? AsDouble => Type switch
    {
        GgufValueType.Float32 or GgufValueType.Float64 => BitConverter.UInt64BitsToDouble(raw),
        GgufValueType.UInt64 => raw,
        _ when IsInteger => (long)raw,
        _ => null,
    };

    public bool? AsBool => Type == GgufValueType.Bool ? raw != 0 : null;

    /// <summary>How the value reads in a message: <c>42</c>, <c>"text"</c>, <c>an array of 151936 string</c>.</summary>
    public override string ToString() => Type switch
    {
        GgufValueType.String => Text is null ? $"a string of {ByteLength} bytes" : $"\"{Text}\"",
        GgufValueType.Array => $"an array of {Count} {GgufValueTypes.Name(ElementType!.Value)}",
        GgufValueType.Bool => raw != 0 ? "true" : "false",
        GgufValueType.UInt64 => raw.ToString(CultureInfo.InvariantCulture),
        GgufValueType.Float32 or GgufValueType.Float64 => BitConverter.UInt64BitsToDouble(raw).ToString("R", CultureInfo.InvariantCulture),
        _ => ((long)raw).ToString(CultureInfo.InvariantCulture),
    };

    internal static GgufValue Integer(GgufValueType type, long value) => new(type, (ulong)value, null, 0, null, 1, null);

    internal static GgufValue Unsigned64(ulong value) => new(GgufValueType.UInt64, value, null, 0, null, 1, null);

    internal static GgufValue Float(GgufValueType type, double value) =>
        new(type, BitConverter.DoubleToUInt64Bits(value), null, 0, null, 1, null);

    internal static GgufValue Boolean(bool value) => new(GgufValueType.Bool, value ? 1UL : 0UL, null, 0, null, 1, null);

    internal static GgufValue String(string? text, long byteLength) => new(GgufValueType.String, 0, text, byteLength, null, 1, null);

    internal static GgufValue Array(GgufValueType elementType, long count, IReadOnlyList<GgufValue>? items) =>
        new(GgufValueType.Array, 0, null, 0, elementType, count, items);
}
