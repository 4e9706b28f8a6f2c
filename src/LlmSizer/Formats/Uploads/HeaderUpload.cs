namespace LlmSizer.Formats.Uploads;

/// <summary>
/// One file a user dropped, as a browser sends it: its name, its full size in bytes, and only its first bytes.
/// <see cref="UploadedModel.Open"/> checks the name and that <c>0 &lt;= Prefix.Length &lt;= Length</c>.
/// </summary>
/// <param name="FileName">The file's name alone (no folder), e.g. <c>model-00001-of-00003.safetensors</c>.</param>
/// <param name="Length">The file's full size, in bytes.</param>
/// <param name="Prefix">The file's first bytes: its header, or the whole file for config.json and the index.</param>
public sealed record HeaderUpload(string FileName, long Length, ReadOnlyMemory<byte> Prefix);
