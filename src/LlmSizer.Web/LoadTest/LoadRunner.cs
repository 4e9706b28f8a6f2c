using System.Diagnostics;
using LlmSizer.Errors;

namespace LlmSizer.Web.LoadTest;

/// <summary>
/// Fires a fixed number of GET requests at one URL from a fixed number of concurrent clients (each keeps one connection),
/// timing each from send to the last body byte, and stops by itself: every request has a timeout and the run a deadline.
/// A <c>{i}</c> in the URL becomes the request's number (timed requests 1…N, warm-up after N), so that every request asks
/// for a different answer (a model, context or batch never computed before in the run).
/// </summary>
public static class LoadRunner
{
    public const int MaxRequests = 10_000_000;
    public const int MaxConcurrency = 1024;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    public const string NumberPlaceholder = "{i}";

    public static async Task<LoadReport> RunAsync(string url, int requests, int concurrency, int warmupRequests, TimeSpan deadline)
    {
        if (requests is < 1 or > MaxRequests)
            throw new UsageException($"--load-test {requests}: expected 1 to {MaxRequests:N0} requests");
        if (!Uri.TryCreate(url.Replace(NumberPlaceholder, "1", StringComparison.Ordinal), UriKind.Absolute, out _))
            throw new UsageException($"load URL '{url}': expected an absolute http URL");
        if (concurrency is < 1 or > MaxConcurrency)
            throw new UsageException($"--concurrency {concurrency}: expected 1 to {MaxConcurrency} clients");
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false, UseCookies = false };
        using var client = new HttpClient(handler) { Timeout = RequestTimeout };
        using var stop = new CancellationTokenSource(deadline);

        Uri At(int number) => new(url.Replace(NumberPlaceholder, number.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        await Fire(client, i => At(requests + 1 + i), warmupRequests, concurrency, new long[warmupRequests], stop.Token);
        var latencies = new long[requests];
        long start = Stopwatch.GetTimestamp();
        var outcome = await Fire(client, i => At(1 + i), requests, concurrency, latencies, stop.Token);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

        Array.Sort(latencies);
        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        double Percentile(double p) => Ms(latencies[Math.Clamp((int)Math.Ceiling(p * requests) - 1, 0, requests - 1)]);
        return new LoadReport(url, requests, concurrency, warmupRequests, seconds, requests / seconds,
            Percentile(0.50), Percentile(0.90), Percentile(0.99), Ms(latencies[^1]), outcome.Errors, outcome.FirstError, outcome.Bytes,
            Environment.ProcessorCount);
    }

    private sealed class Outcome
    {
        public int Errors;
        public string? FirstError;
        public long Bytes;
    }

    private static async Task<Outcome> Fire(HttpClient client, Func<int, Uri> url, int requests, int concurrency, long[] latencies, CancellationToken stop)
    {
        var outcome = new Outcome();
        int next = -1;
        async Task Worker()
        {
            var sink = new byte[16 << 10];
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                long t0 = Stopwatch.GetTimestamp();
                string? error = null;
                try
                {
                    using var response = await client.GetAsync(url(i), HttpCompletionOption.ResponseHeadersRead, stop);
                    await using var body = await response.Content.ReadAsStreamAsync(stop);
                    int read;
                    long bytes = 0;
                    while ((read = await body.ReadAsync(sink, stop)) > 0)
                        bytes += read;
                    Interlocked.Add(ref outcome.Bytes, bytes);
                    if (response.StatusCode != System.Net.HttpStatusCode.OK)
                        error = $"HTTP {(int)response.StatusCode}";
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
                {
                    error = stop.IsCancellationRequested ? "the run's deadline passed" : $"{e.GetType().Name}: {e.Message}";
                }
                latencies[i] = Stopwatch.GetTimestamp() - t0;
                if (error is not null && Interlocked.Increment(ref outcome.Errors) == 1)
                    outcome.FirstError = error;
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(concurrency, Math.Max(requests, 1))).Select(_ => Task.Run(Worker)));
        return outcome;
    }
}
