namespace LlmSizer.Formats.Gguf;

/// <summary>
/// Everything before the tensor data of one GGUF file: version, metadata, tensor infos and where the data starts.
/// </summary>
/// <param name="Name">The source's path or URL.</param>
/// <param name="Length">The file's size in bytes.</param>
/// <param name="Version">GGUF version: 2 or 3.</param>
/// <param name="Alignment">Bytes the data section and each tensor's offset are aligned to (<c>general.alignment</c>, default 32).</param>
/// <param name="DataOffset">Byte offset of the data section: the end of the tensor infos rounded up to the alignment.</param>
public sealed record GgufHeader(
    string Name,
    long Length,
    int Version,
    GgufMetadata Metadata,
    IReadOnlyList<GgufTensor> Tensors,
    int Alignment,
    long DataOffset)
{
    /// <summary>Bytes of all tensors' data.</summary>
    public long TensorBytes { get; } = Tensors.Sum(t => t.Bytes);
}
