namespace LlmSizer.Formats.Safetensors;

/// <summary>
/// One tensor entry of a safetensors header, as stored: no interpretation of packed formats yet
/// (see <see cref="PackedTensorInterpreter"/>).
/// </summary>
/// <param name="Name">The header key.</param>
/// <param name="Dtype">Element type.</param>
/// <param name="Shape">Dimensions, outermost first (row-major); empty for a scalar.</param>
/// <param name="Elements">Product of <paramref name="Shape"/> (1 for a scalar, 0 when a dimension is 0).</param>
/// <param name="Begin">Start of the tensor's bytes, relative to the start of the data section (after the header).</param>
/// <param name="End">One past the tensor's last byte, relative to the data section.</param>
/// <param name="File">The file holding it (its <see cref="IByteSource.Name"/>), for messages.</param>
public sealed record SafetensorsTensor(
    string Name,
    SafetensorsDtype Dtype,
    IReadOnlyList<long> Shape,
    long Elements,
    long Begin,
    long End,
    string File)
{
    /// <summary>Bytes the tensor occupies in the file.</summary>
    public long Bytes => End - Begin;
}
