using System.CommandLine;
using LlmSizer.Cli.Rendering;
using LlmSizer.Errors;
using LlmSizer.Web;
using LlmSizer.Web.LoadTest;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmSizer.Cli.Commands;

/// <summary>
/// <c>llmsizer serve [--urls URL] [--hub] [--allow-remote]</c>: the web page and JSON API on loopback; with
/// <c>--load-test N</c> it starts on a free loopback port, fires N requests from <c>--concurrency</c> clients, reports and stops.
/// </summary>
internal static class ServeCommand
{
    public const string DefaultLoadPath = "/api/estimate?model=llama-3.1-8b&context=8192";

    public static Command Create(CliOutput output)
    {
        var urls = new Option<string>("--urls") { Description = $"Where to listen, ';'-separated (default {WebServer.DefaultUrl}; loopback only unless --allow-remote)", DefaultValueFactory = _ => WebServer.DefaultUrl };
        var hub = new Option<bool>("--hub") { Description = "Allow hf:ORG/NAME models, read from HF_ENDPOINT (default https://huggingface.co); off by default: the server makes no outgoing requests" };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow a non-loopback --urls address (anyone who can reach it can use the server)" };
        var loadTest = new Option<int?>("--load-test") { Description = "Instead of serving: start on a free loopback port, send N requests, print throughput and latency, stop" };
        var concurrency = new Option<int>("--concurrency") { Description = "With --load-test: concurrent clients, one connection each", DefaultValueFactory = _ => 32 };
        var loadPath = new Option<string>("--load-path") { Description = "With --load-test: the path and query each request asks for; {i} becomes the request's number, so every answer is computed afresh", DefaultValueFactory = _ => DefaultLoadPath };
        var json = CommonOptions.Json();
        var command = new Command("serve", "The local web page and JSON API (same results as the CLI), or a bounded load run against it")
        {
            urls, hub, allowRemote, loadTest, concurrency, loadPath, json,
        };
        command.SetAction(parse =>
        {
            string[] settings = [$"--LlmSizer:Hub={parse.GetValue(hub)}", $"--LlmSizer:AllowRemote={parse.GetValue(allowRemote)}"];
            if (parse.GetValue(loadTest) is { } requests)
            {
                if (parse.GetResult(urls) is { Implicit: false })
                    throw new UsageException("--load-test runs its own server on a free loopback port; leave out --urls");
                string path = parse.GetValue(loadPath)!;
                if (!path.StartsWith('/'))
                    throw new UsageException($"--load-path '{path}': expected a path starting with /, such as {DefaultLoadPath}");
                var report = RunLoad([.. settings, "--urls=http://127.0.0.1:0"], path, requests, parse.GetValue(concurrency));
                return output.Emit(report, _ => Web.Serialization.WebJsonContext.Default.LoadReport, LoadRenderer.Render);
            }
            if (parse.GetResult(concurrency) is { Implicit: false } || parse.GetResult(loadPath) is { Implicit: false })
                throw new UsageException("--concurrency and --load-path go with --load-test");
            using var app = WebServer.Build([.. settings, $"--urls={parse.GetValue(urls)}"]);
            app.Start();
            foreach (string address in Addresses(app))
            {
                if (!WebServer.CheckUrls(address, allowRemote: true))
                    output.Error.WriteLine($"llmsizer: warning: listening on {address}, reachable from other machines; the API has no authentication");
                output.Out.WriteLine($"LlmSizer page and API: {address}  (OpenAPI: {address.TrimEnd('/')}/openapi/v1.json; Ctrl+C stops)");
            }
            app.WaitForShutdown();
            return CliApp.ExitOk;
        });
        return command;
    }

    private static LoadReport RunLoad(string[] args, string path, int requests, int concurrency)
    {
        using var app = WebServer.Build(args);
        app.Start();
        try
        {
            string url = Addresses(app).First().TrimEnd('/') + path;
            // Warm-up: the first requests pay for JIT compilation and the per-model layout caches.
            int warmup = Math.Min(2_000, Math.Max(100, requests / 10));
            return LoadRunner.RunAsync(url, requests, concurrency, warmup, deadline: TimeSpan.FromMinutes(5)).GetAwaiter().GetResult();
        }
        finally
        {
            app.StopAsync().GetAwaiter().GetResult();
        }
    }

    private static IEnumerable<string> Addresses(Microsoft.AspNetCore.Builder.WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
}
