using System.Text.Json;
using LlmSizer.Errors;
using LlmSizer.Serialization;

namespace LlmSizer.Formats.Local;

/// <summary>
/// One Ollama manifest (a small JSON document): the layer of media type <c>application/vnd.ollama.image.model</c>
/// names the GGUF blob by its SHA-256 digest. Parsing is separate from the store's file system so that any bytes can be
/// checked (the fuzz target <c>ollama-manifest</c> feeds it directly).
/// </summary>
public static class OllamaManifest
{
    /// <summary>1 MiB: real manifests are under 2 KB; a larger file is refused before it is read.</summary>
    public const long MaxBytes = 1024 * 1024;

    private const string ModelMediaType = "application/vnd.ollama.image.model";

    /// <summary>
    /// The 64 lower-case hex digits of the model layer's digest in <paramref name="json"/>; an
    /// <see cref="InputException"/> naming <paramref name="source"/> and the field otherwise.
    /// </summary>
    public static string ModelDigestHex(ReadOnlyMemory<byte> json, string source)
    {
        if (json.Length > MaxBytes)
            throw new InputException(source, "file", $"expected an Ollama manifest of at most {MaxBytes} bytes, found {json.Length}");
        string? digest = null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            JsonStrings.RequireDecodable(doc.RootElement, source);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("layers", out var layers) && layers.ValueKind == JsonValueKind.Array)
                foreach (var layer in layers.EnumerateArray())
                    if (layer.ValueKind == JsonValueKind.Object
                        && layer.TryGetProperty("mediaType", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals(ModelMediaType)
                        && layer.TryGetProperty("digest", out var d) && d.ValueKind == JsonValueKind.String)
                        digest = d.GetString();
        }
        catch (JsonException)
        {
            throw new InputException(source, "file", "expected an Ollama manifest (JSON), found invalid JSON");
        }
        if (digest is null)
            throw new InputException(source, "layers", $"expected a layer of media type {ModelMediaType} with a digest, found none");
        if (!digest.StartsWith("sha256:", StringComparison.Ordinal) || digest.Length != 71 || !digest[7..].All(char.IsAsciiHexDigitLower))
            throw new InputException(source, "layers[].digest", $"expected sha256:<64 hex digits>, found \"{(digest.Length > 80 ? digest[..80] + "…" : digest)}\"");
        return digest[7..];
    }
}
