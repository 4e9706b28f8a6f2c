using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace LlmSizer.Web.Hosting;

/// <summary>
/// The page's files, embedded in this assembly under <c>Assets/</c> and read once at start-up, so the page works offline and
/// from a single binary. Served with an ETag (SHA-256 prefix) and revalidated on each load.
/// </summary>
internal sealed class EmbeddedAssets
{
    private const string Prefix = "Assets/";
    private readonly FrozenDictionary<string, Asset> assets;

    private EmbeddedAssets(FrozenDictionary<string, Asset> assets) => this.assets = assets;

    /// <summary>One file: its bytes, content type and entity tag.</summary>
    public sealed record Asset(byte[] Bytes, string ContentType, string ETag);

    public static EmbeddedAssets Load()
    {
        var assembly = typeof(EmbeddedAssets).Assembly;
        var map = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            byte[] bytes = copy.ToArray();
            string etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8)) + "\"";
            map[name[Prefix.Length..].Replace('\\', '/')] = new Asset(bytes, ContentType(name), etag);
        }
        return new EmbeddedAssets(map.ToFrozenDictionary(StringComparer.Ordinal));
    }

    public IEnumerable<string> Paths => assets.Keys;

    public Asset? Find(string path) => assets.GetValueOrDefault(path);

    private static string ContentType(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".json" => "application/json",
        ".webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    };
}
