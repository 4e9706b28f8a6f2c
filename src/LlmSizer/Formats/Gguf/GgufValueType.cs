namespace LlmSizer.Formats.Gguf;

/// <summary>
/// The type tag of a GGUF metadata value, as the file stores it (a little-endian uint32 before each value).
/// Source: ggml's docs/gguf.md (<c>gguf_metadata_value_type</c>).
/// </summary>
public enum GgufValueType : uint
{
    UInt8 = 0,
    Int8 = 1,
    UInt16 = 2,
    Int16 = 3,
    UInt32 = 4,
    Int32 = 5,
    Float32 = 6,
    /// <summary>One byte, 0 or 1.</summary>
    Bool = 7,
    /// <summary>A uint64 byte length, then that many UTF-8 bytes (no terminator).</summary>
    String = 8,
    /// <summary>A uint32 element type, a uint64 element count, then the elements (arrays may nest).</summary>
    Array = 9,
    UInt64 = 10,
    Int64 = 11,
    Float64 = 12,
}

/// <summary>Sizes and names of <see cref="GgufValueType"/> values.</summary>
public static class GgufValueTypes
{
    /// <summary>Whether <paramref name="id"/> is a value type the format defines (0 to 12).</summary>
    public static bool IsDefined(uint id) => id <= (uint)GgufValueType.Float64;

    /// <summary>
    /// The fewest bytes one value of <paramref name="type"/> can take: its fixed size, 8 for a string (its length),
    /// 12 for an array (its element type and count). Used to bound counts by the bytes left in a file.
    /// </summary>
    public static int MinimumBytes(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
        GgufValueType.String => 8,
        _ => 12,
    };

    /// <summary>The size of a fixed-size value, 0 for strings and arrays.</summary>
    public static int FixedBytes(GgufValueType type) =>
        type is GgufValueType.String or GgufValueType.Array ? 0 : MinimumBytes(type);

    public static bool IsInteger(GgufValueType type) => type is GgufValueType.UInt8 or GgufValueType.Int8
        or GgufValueType.UInt16 or GgufValueType.Int16 or GgufValueType.UInt32 or GgufValueType.Int32
        or GgufValueType.UInt64 or GgufValueType.Int64;

    /// <summary>The name gguf.md uses: uint8, int32, float32, bool, string, array, ...</summary>
    public static string Name(GgufValueType type) => type switch
    {
        GgufValueType.UInt8 => "uint8",
        GgufValueType.Int8 => "int8",
        GgufValueType.UInt16 => "uint16",
        GgufValueType.Int16 => "int16",
        GgufValueType.UInt32 => "uint32",
        GgufValueType.Int32 => "int32",
        GgufValueType.Float32 => "float32",
        GgufValueType.Bool => "bool",
        GgufValueType.String => "string",
        GgufValueType.Array => "array",
        GgufValueType.UInt64 => "uint64",
        GgufValueType.Int64 => "int64",
        GgufValueType.Float64 => "float64",
        _ => $"type {(uint)type}",
    };
}
