namespace LlmSizer.Formats.Gguf;

/// <summary>
/// The caps <see cref="GgufReader"/> puts on a GGUF header so that a hostile or corrupt file can make it neither
/// allocate much (well under 64 MB in all) nor run long. Real files stay far inside them: a 671B-parameter model's
/// header holds about 1,000 tensor infos and a few MB of tokenizer.
/// </summary>
public static class GgufLimits
{
    /// <summary>Bytes read from the source per chunk (1 MiB): the reader's only buffer.</summary>
    public const int ChunkBytes = 1 << 20;

    /// <summary>
    /// The header (metadata and tensor infos) must end within this many bytes (256 MiB): real headers with
    /// 260,000-token vocabularies take about 10 MB.
    /// </summary>
    public const long MaxHeaderBytes = 256L << 20;

    /// <summary>Most metadata key/value pairs in one file (real files: 20 to 60).</summary>
    public const long MaxMetadataEntries = 65_536;

    /// <summary>Most tensors in one file, and in all parts of a split model together (real files: up to a few thousand).</summary>
    public const long MaxTensors = 65_536;

    /// <summary>Longest metadata key, in bytes (real keys: under 64).</summary>
    public const int MaxKeyBytes = 1 << 20;

    /// <summary>Longest string value kept in memory (1 MiB); longer ones are skipped, keeping their length.</summary>
    public const int MaxKeptStringBytes = 1 << 20;

    /// <summary>Longest tensor name, in bytes: ggml's GGML_MAX_NAME is 64 including the terminating NUL.</summary>
    public const int MaxTensorNameBytes = 63;

    /// <summary>Most dimensions of a tensor: ggml's GGML_MAX_DIMS.</summary>
    public const int MaxDimensions = 4;

    /// <summary>Most numeric or bool elements of an array kept in memory; longer arrays keep type and count only.</summary>
    public const int MaxKeptNumericArrayElements = 65_536;

    /// <summary>Most string or array elements of an array kept in memory (tags, languages); longer ones keep type and count only.</summary>
    public const int MaxKeptOtherArrayElements = 1_024;

    /// <summary>Deepest nesting of arrays inside arrays.</summary>
    public const int MaxArrayDepth = 8;

    /// <summary>
    /// Budget for everything metadata keeps in memory (keys, kept strings, kept array elements), counted as
    /// 80 bytes per value plus two bytes per character. Arrays that would exceed it are not kept.
    /// </summary>
    public const long MaxKeptMetadataBytes = 8L << 20;

    /// <summary>Largest <c>general.alignment</c>, in bytes (64 KiB, the largest memory page in common use).</summary>
    public const int MaxAlignment = 1 << 16;

    /// <summary>Alignment when <c>general.alignment</c> is absent (gguf.md: GGUF_DEFAULT_ALIGNMENT).</summary>
    public const int DefaultAlignment = 32;

    /// <summary>Fewest bytes one metadata entry takes: key length (8), a one-byte key, the type (4), a one-byte value.</summary>
    public const int MinMetadataEntryBytes = 14;

    /// <summary>Fewest bytes one tensor info takes: name length (8), a one-byte name, n_dims (4), type (4), offset (8).</summary>
    public const int MinTensorInfoBytes = 25;
}
