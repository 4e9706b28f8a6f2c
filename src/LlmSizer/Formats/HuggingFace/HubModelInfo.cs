using System.Text.Json;
using LlmSizer.Errors;
using LlmSizer.Serialization;

namespace LlmSizer.Formats.HuggingFace;

/// <summary>
/// The Hub's model-info answer (<c>/api/models/ORG/NAME/revision/REV</c>): the commit <see cref="Sha"/> and the repo's
/// files with their sizes in bytes when given. A network answer is untrusted input: any JSON is either read or refused
/// with an <see cref="InputException"/> (the fuzz target <c>hub-info</c> feeds it directly).
/// </summary>
public sealed record HubModelInfo(string Sha, IReadOnlyList<HubFile> Files)
{
    /// <summary>Reads <paramref name="body"/>; <paramref name="source"/> (the repo id) names it in errors.</summary>
    public static HubModelInfo Parse(ReadOnlyMemory<byte> body, string source)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InputException(source, "Hub answer", $"expected a JSON object, found {root.ValueKind.ToString().ToLowerInvariant()}");
            JsonStrings.RequireDecodable(root, source);
            string sha = root.TryGetProperty("sha", out var s) && s.ValueKind == JsonValueKind.String && HubCache.IsCommitSha(s.GetString()!)
                ? s.GetString()!
                : throw new InputException(source, "Hub answer", "expected a 40-hex-digit commit 'sha', found none");
            var files = new List<HubFile>();
            // Entries that are not objects with a string 'rfilename' are skipped, as unknown fields are: the Hub adds fields over time.
            if (root.TryGetProperty("siblings", out var siblings) && siblings.ValueKind == JsonValueKind.Array)
                foreach (var f in siblings.EnumerateArray())
                    if (f.ValueKind == JsonValueKind.Object && f.TryGetProperty("rfilename", out var name) && name.ValueKind == JsonValueKind.String)
                        files.Add(new HubFile(name.GetString()!,
                            f.TryGetProperty("size", out var size) && size.ValueKind == JsonValueKind.Number && size.TryGetInt64(out long n) ? n : null));
            return new HubModelInfo(sha, files);
        }
        catch (JsonException)
        {
            throw new InputException(source, "Hub answer", "expected JSON model info, found something else");
        }
    }
}
