namespace LlmSizer.Formats.Uploads;

/// <summary>
/// What <see cref="UploadedModel.Open"/> accepts. The header limits of each format (<see cref="Gguf.GgufLimits"/>,
/// <see cref="Safetensors.SafetensorsReader.MaxHeaderBytes"/>, the index and config.json caps) apply on top.
/// </summary>
public static class UploadLimits
{
    /// <summary>Most files in one upload: a model split into hundreds of shards plus its index and config.</summary>
    public const int MaxFiles = 256;

    /// <summary>
    /// Most prefix bytes over all files together (32 MiB): headers are small (a GGUF's a few MB, about 10 MB with a
    /// 260,000-token vocabulary, see <see cref="Gguf.GgufLimits.MaxHeaderBytes"/>; a safetensors shard's tens to hundreds
    /// of KB), and a request body stays bounded.
    /// </summary>
    public const long MaxTotalPrefixBytes = 32L << 20;

    /// <summary>Longest file name, in characters (the common file-system limit for one path segment).</summary>
    public const int MaxFileNameLength = 255;

    /// <summary>
    /// <see cref="Errors.HeaderIncompleteException.NeededBytes"/> is rounded up to a multiple of this (64 KiB), so a
    /// header a little longer than guessed costs one more round trip, not one per read.
    /// </summary>
    public const int NeededBytesGranularity = 64 << 10;
}
