namespace LlmSizer.Formats.Safetensors;

/// <summary>
/// A validated safetensors header: the tensors in header order, the free-form <c>__metadata__</c>, and where the
/// data section lies. Sizes are bytes.
/// </summary>
/// <param name="Source">The file's name or URL.</param>
/// <param name="FileLength">Length of the whole file.</param>
/// <param name="HeaderLength">N, the JSON header's length as the first 8 bytes state it.</param>
/// <param name="Tensors">Every tensor entry, in header order.</param>
/// <param name="Metadata">The <c>__metadata__</c> map (e.g. <c>format: pt</c>); empty when absent.</param>
/// <param name="Notes">Tolerated oddities: unindexed bytes between or after tensors.</param>
public sealed record SafetensorsHeader(
    string Source,
    long FileLength,
    long HeaderLength,
    IReadOnlyList<SafetensorsTensor> Tensors,
    IReadOnlyDictionary<string, string> Metadata,
    IReadOnlyList<string> Notes)
{
    /// <summary>Bytes before the tensor data: the 8-byte length prefix and the JSON header.</summary>
    public long DataStart => 8 + HeaderLength;

    /// <summary>Bytes of the data section (the file after the header).</summary>
    public long DataLength => FileLength - DataStart;
}
