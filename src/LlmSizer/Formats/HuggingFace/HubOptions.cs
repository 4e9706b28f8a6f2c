namespace LlmSizer.Formats.HuggingFace;

/// <summary>How the Hub client connects: endpoint, token, cache folder, time limits and retries.</summary>
public sealed record HubOptions
{
    public Uri Endpoint { get; init; } = new("https://huggingface.co");

    /// <summary>A user access token for gated or private repos (<c>HF_TOKEN</c>).</summary>
    public string? Token { get; init; }

    /// <summary>Folder for cached Hub answers and header bytes, keyed by repo and commit.</summary>
    public required string CacheDirectory { get; init; }

    /// <summary>Never touch the network; answer from the cache only (<c>HF_HUB_OFFLINE=1</c>).</summary>
    public bool Offline { get; init; }

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a failed request (timeouts, 429, 5xx), with exponential backoff.</summary>
    public int MaxRetries { get; init; } = 3;

    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Most header bytes read from one remote file; a GGUF header with a 256k vocabulary is ~10 MB.</summary>
    public long MaxHeaderBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Options from the environment: <c>HF_ENDPOINT</c>, <c>HF_TOKEN</c>, <c>HF_HUB_OFFLINE</c>, <c>LLMSIZER_CACHE</c> (else <c>$XDG_CACHE_HOME/llmsizer</c> or <c>~/.cache/llmsizer</c>).</summary>
    public static HubOptions FromEnvironment()
    {
        string? endpoint = Environment.GetEnvironmentVariable("HF_ENDPOINT");
        string? token = Environment.GetEnvironmentVariable("HF_TOKEN");
        string cache = Environment.GetEnvironmentVariable("LLMSIZER_CACHE") is { Length: > 0 } c ? c
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "llmsizer");
        return new HubOptions
        {
            Endpoint = string.IsNullOrWhiteSpace(endpoint) ? new Uri("https://huggingface.co") : new Uri(endpoint.TrimEnd('/')),
            Token = string.IsNullOrWhiteSpace(token) ? null : token.Trim(),
            CacheDirectory = cache,
            Offline = Environment.GetEnvironmentVariable("HF_HUB_OFFLINE") is "1" or "true" or "TRUE",
        };
    }
}

/// <summary>Bytes fetched so far from one remote file, for a progress display.</summary>
public sealed record HubTransfer(string File, long Bytes);
