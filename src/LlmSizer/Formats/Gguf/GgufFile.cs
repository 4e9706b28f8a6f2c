namespace LlmSizer.Formats.Gguf;

/// <summary>One file of a GGUF model (a split model has several).</summary>
/// <param name="Name">Path or URL.</param>
/// <param name="Length">Size in bytes.</param>
/// <param name="Version">GGUF version, 2 or 3.</param>
/// <param name="TensorCount">Tensors whose data this file holds.</param>
/// <param name="DataOffset">Bytes before the tensor data: the header (metadata, tensor infos) and its alignment padding.</param>
public sealed record GgufFile(string Name, long Length, int Version, int TensorCount, long DataOffset);
