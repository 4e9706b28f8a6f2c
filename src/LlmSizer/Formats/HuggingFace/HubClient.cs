using System.Net;
using System.Net.Http.Headers;
using LlmSizer.Errors;

namespace LlmSizer.Formats.HuggingFace;

/// <summary>
/// Reads model repos from the Hugging Face Hub: resolves a revision to its commit, lists files, downloads
/// small files (config.json) and reads only the header bytes of weight files through HTTP range requests.
/// Every answer is cached on disk under the commit it belongs to, so a second run needs no network.
/// </summary>
public sealed class HubClient : IDisposable
{
    private readonly HttpClient http;
    private readonly IProgress<HubTransfer>? progress;

    public HubClient(HubOptions options, IProgress<HubTransfer>? progress = null, HttpMessageHandler? handler = null)
    {
        Options = options;
        this.progress = progress;
        http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.Timeout = options.RequestTimeout;
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("llmsizer", "1.0"));
    }

    public HubOptions Options { get; }

    internal HubCache Cache => new(Options.CacheDirectory);

    /// <summary>Resolves <paramref name="id"/>'s revision to a commit and lists its files, from the network or the cache.</summary>
    public HubSnapshot Open(HubRepoId id)
    {
        var cache = Cache;
        if (HubCache.IsCommitSha(id.Revision) && cache.ReadInfo(id, id.Revision) is { } pinned)
            return Snapshot(id, pinned, fromCache: true, []);
        if (Options.Offline)
        {
            return cache.ResolveRef(id) is { } sha && cache.ReadInfo(id, sha) is { } info
                ? Snapshot(id, info, fromCache: true, [$"offline (HF_HUB_OFFLINE): using cached commit {sha} of {id.Revision}"])
                : throw new InputException(id.ToString(), "cache", $"expected a cached copy of revision {id.Revision} (HF_HUB_OFFLINE is set), found none");
        }
        try
        {
            string path = $"api/models/{id.Owner}/{id.Name}/revision/{Uri.EscapeDataString(id.Revision)}?blobs=true";
            byte[] body = Get(id, path, $"revision {id.Revision}", range: null, maxBytes: 64L * 1024 * 1024);
            var parsed = HubModelInfo.Parse(body, id.ToString());
            cache.WriteInfo(id, parsed.Sha, body);
            cache.WriteRef(id, parsed.Sha);
            return new HubSnapshot(this, id, parsed.Sha, parsed.Files, fromCache: false, []);
        }
        catch (HubUnreachableException e) when (cache.ResolveRef(id) is { } sha && cache.ReadInfo(id, sha) is { } info)
        {
            return Snapshot(id, info, fromCache: true, [$"the Hub could not be reached ({e.Message}); using cached commit {sha} of {id.Revision}"]);
        }
    }

    private HubSnapshot Snapshot(HubRepoId id, byte[] info, bool fromCache, IReadOnlyList<string> notes)
    {
        var parsed = HubModelInfo.Parse(info, id.ToString());
        return new HubSnapshot(this, id, parsed.Sha, parsed.Files, fromCache, notes);
    }

    /// <summary>GETs <paramref name="relativeUrl"/> (optionally a byte range), retrying transient failures; maps HTTP errors to clear messages.</summary>
    internal byte[] Get(HubRepoId id, string relativeUrl, string what, (long From, long To)? range, long maxBytes, Action<long>? onLength = null)
    {
        var url = new Uri(Options.Endpoint, Options.Endpoint.AbsolutePath.TrimEnd('/') + "/" + relativeUrl);
        for (int attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (Options.Token is { } token)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (range is { } r)
                request.Headers.Range = new RangeHeaderValue(r.From, r.To);
            HttpResponseMessage response;
            try
            {
                response = http.Send(request, HttpCompletionOption.ResponseHeadersRead);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
            {
                if (attempt < Options.MaxRetries)
                {
                    Thread.Sleep(Backoff(attempt, null));
                    continue;
                }
                throw new HubUnreachableException($"{url.Host}: {(e is TaskCanceledException ? $"no answer within {Options.RequestTimeout.TotalSeconds:0} s" : e.Message)}");
            }
            using (response)
            {
                if (IsTransient(response.StatusCode) && attempt < Options.MaxRetries)
                {
                    Thread.Sleep(Backoff(attempt, response.Headers.RetryAfter?.Delta));
                    continue;
                }
                if (!response.IsSuccessStatusCode)
                    throw Failure(id, what, response);
                if (range is not null && response.StatusCode != HttpStatusCode.PartialContent)
                    throw new InputException(id.ToString(), what, $"expected a partial (206) answer to a range request, found HTTP {(int)response.StatusCode}");
                if (response.Content.Headers.ContentRange?.Length is { } total)
                    onLength?.Invoke(total);
                return ReadBounded(response, id, what, maxBytes);
            }
        }
    }

    private static byte[] ReadBounded(HttpResponseMessage response, HubRepoId id, string what, long maxBytes)
    {
        if (response.Content.Headers.ContentLength is { } declared && declared > maxBytes)
            throw new InputException(id.ToString(), what, $"expected at most {maxBytes} bytes, found a {declared}-byte answer");
        using var stream = response.Content.ReadAsStream();
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                throw new InputException(id.ToString(), what, $"expected at most {maxBytes} bytes, found more");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    internal void Report(string file, long bytes) => progress?.Report(new HubTransfer(file, bytes));

    private static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway
            or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout or HttpStatusCode.RequestTimeout;

    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        var exponential = Options.RetryBaseDelay * Math.Pow(2, attempt);
        var wait = retryAfter is { } r && r > exponential ? r : exponential;
        return wait > TimeSpan.FromSeconds(10) ? TimeSpan.FromSeconds(10) : wait;
    }

    private InputException Failure(HubRepoId id, string what, HttpResponseMessage response)
    {
        string code = response.Headers.TryGetValues("X-Error-Code", out var values) ? values.FirstOrDefault() ?? "" : "";
        int status = (int)response.StatusCode;
        string problem = (response.StatusCode, code) switch
        {
            (_, "GatedRepo") or (HttpStatusCode.Forbidden, _) when Options.Token is not null =>
                $"expected access to a gated repo, found HTTP {status}: accept the model's conditions on its Hub page with the account of HF_TOKEN",
            (_, "GatedRepo") or (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, _) when Options.Token is null =>
                $"expected a public repo, found HTTP {status} (gated or private): set HF_TOKEN to an access token of an account with access",
            (HttpStatusCode.Unauthorized, _) => $"expected HF_TOKEN to be accepted, found HTTP {status}: the token is invalid or lacks access",
            (_, "RevisionNotFound") => $"expected revision '{id.Revision}' to exist, found HTTP {status}",
            (_, "EntryNotFound") => $"expected the file to exist in the repo, found HTTP {status}",
            (HttpStatusCode.NotFound, _) => $"expected the repo {id.Repo} to exist, found HTTP {status} (check the name; private repos need HF_TOKEN)",
            _ => $"expected a successful answer, found HTTP {status}",
        };
        return new InputException(id.ToString(), what, problem);
    }

    public void Dispose() => http.Dispose();
}

/// <summary>A file of a Hub repo at a commit; <see cref="Size"/> in bytes when the Hub said.</summary>
public sealed record HubFile(string Path, long? Size);

/// <summary>The network failed after all retries (as opposed to the Hub answering with an error).</summary>
internal sealed class HubUnreachableException(string message) : Exception(message);
