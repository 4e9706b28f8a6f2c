using LlmSizer.Web.LoadTest;
using Spectre.Console;

namespace LlmSizer.Cli.Rendering;

/// <summary>Prints a load run: throughput, latency percentiles and errors.</summary>
internal static class LoadRenderer
{
    public static void Render(LoadReport r, IAnsiConsole console)
    {
        console.MarkupLine($"[bold]Load run[/] {Markup.Escape(r.Url)}");
        console.WriteLine($"  {r.Requests:N0} requests from {r.Concurrency} clients in {r.Seconds:F2} s (after {r.WarmupRequests:N0} warm-up requests), {r.ProcessorCount} cores");
        console.WriteLine($"  throughput: {r.RequestsPerSecond:N0} requests/s");
        console.WriteLine($"  latency ms: p50 {r.P50Milliseconds:F2}  p90 {r.P90Milliseconds:F2}  p99 {r.P99Milliseconds:F2}  max {r.MaxMilliseconds:F2}");
        console.WriteLine($"  errors: {r.Errors:N0}" + (r.FirstError is null ? "" : $" (first: {r.FirstError})"));
        console.WriteLine($"  response bytes: {r.ResponseBytes:N0}");
    }
}
