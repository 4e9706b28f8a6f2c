namespace LlmSizer.Web.LoadTest;

/// <summary>
/// What a bounded load run measured: throughput over the timed requests (warm-up excluded), latency percentiles in
/// milliseconds (nearest-rank), and the requests that failed (a status other than 200, a timeout or a socket error).
/// </summary>
public sealed record LoadReport(
    string Url,
    int Requests,
    int Concurrency,
    int WarmupRequests,
    double Seconds,
    double RequestsPerSecond,
    double P50Milliseconds,
    double P90Milliseconds,
    double P99Milliseconds,
    double MaxMilliseconds,
    int Errors,
    string? FirstError,
    long ResponseBytes,
    int ProcessorCount);
