namespace LlmSizer.Formats.Safetensors;

/// <summary>One <c>.safetensors</c> file that was read (only its header bytes).</summary>
/// <param name="Name">The file's path or URL as opened.</param>
/// <param name="Length">Size of the whole file, in bytes.</param>
/// <param name="HeaderBytes">Bytes read: the 8-byte length prefix plus the JSON header.</param>
/// <param name="Tensors">Tensor entries in its header.</param>
public sealed record SafetensorsFile(string Name, long Length, long HeaderBytes, int Tensors);
