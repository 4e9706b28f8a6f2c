using LlmSizer.Precision;

namespace LlmSizer.Formats.Gguf;

/// <summary>
/// One tensor info of a GGUF header.
/// </summary>
/// <param name="Name">As stored, e.g. <c>blk.0.attn_q.weight</c>.</param>
/// <param name="Dimensions">ggml order: <c>ne[0]</c> (the contiguous, innermost dimension) first; 0 to 4 entries, each ≥ 1.</param>
/// <param name="Type">The ggml storage type.</param>
/// <param name="Offset">Byte offset of the data, relative to the start of the file's data section; a multiple of the alignment.</param>
/// <param name="Elements">Product of the dimensions (1 for a tensor with no dimensions).</param>
/// <param name="Bytes">Bytes of data: whole blocks of <see cref="GgmlType.BlockBytes"/>.</param>
/// <param name="InfoOffset">Byte offset of this tensor info in the file, for messages.</param>
public sealed record GgufTensor(
    string Name,
    IReadOnlyList<long> Dimensions,
    GgmlType Type,
    long Offset,
    long Elements,
    long Bytes,
    long InfoOffset);
