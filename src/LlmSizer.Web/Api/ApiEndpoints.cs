using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;
using LlmSizer.Errors;
using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Reports;
using LlmSizer.Requests;
using LlmSizer.Sampling;
using LlmSizer.Serialization;
using LlmSizer.Web.Hosting;
using LlmSizer.Web.Serialization;

namespace LlmSizer.Web.Api;

/// <summary>
/// The JSON API: one endpoint per CLI command, each a thin shell — the query bound straight onto the library's request record
/// (parameter names are its properties in camelCase), the library call, the report serialised exactly as the CLI's <c>--json</c> prints it (compact rather than indented).
/// </summary>
internal static class ApiEndpoints
{
    /// <summary>Request bodies: logits for <c>POST /api/sample</c>.</summary>
    public const long MaxLogitsBytes = 8L << 20;

    private const FieldStyle Style = FieldStyle.Query;

    public static void Map(WebApplication app, ModelResolver models, UploadStore uploads)
    {
        var api = app.MapGroup("/api").WithTags("LlmSizer");
        var json = WebJson.Reports;

        api.MapGet("/models", ([AsParameters] ModelListRequest request) => Results.Json(request.Build(Style), json.ModelList))
            .Allow<ModelListRequest>().Produces<ModelList>().ProducesProblem(400)
            .WithSummary("The model catalog (llmsizer models --json)");

        api.MapGet("/devices", ([AsParameters] DeviceListRequest request) => Results.Json(request.Build(Style), json.DeviceList))
            .Allow<DeviceListRequest>().Produces<DeviceList>().ProducesProblem(400)
            .WithSummary("The device catalog, or storage classes with storage=true (llmsizer devices --json)");

        api.MapGet("/inspect", (string? model) => Results.Json(InspectReport.Build(models.Resolve(model)), json.InspectReport))
            .Allow("model").Produces<InspectReport>().ProducesProblem(400).ProducesProblem(404)
            .WithSummary("Parameters with their breakdown and weight bytes per format (llmsizer inspect --json)");

        api.MapGet("/estimate", (string? model, [AsParameters] InferenceRequest inference) =>
            {
                var options = inference.ToOptions(Style);
                return Results.Json(EstimateReport.Build(models.Resolve(model), options), json.EstimateReport);
            })
            .Allow<InferenceRequest>(["model"]).Produces<EstimateReport>().ProducesProblem(400).ProducesProblem(404)
            .WithSummary("Inference memory line by line on one engine (llmsizer estimate --json)");

        api.MapGet("/curve", (string? model, [AsParameters] InferenceRequest inference, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "device")] string[]? device = null) =>
            {
                var options = inference.ToOptions(Style);
                var capacities = (device ?? []).Select(d => DeviceCatalog.Resolve(d)).ToList();
                return Results.Json(MemoryCurve.Build(models.Resolve(model), options, capacities), WebJson.Web.MemoryCurve);
            })
            .Allow<InferenceRequest>(["model", "device"], "device").Produces<MemoryCurve>().ProducesProblem(400).ProducesProblem(404)
            .WithSummary("Memory against context for several weight types, with device capacity lines (what estimate --plot draws)");

        api.MapGet("/fit", (string? model, [AsParameters] InferenceRequest inference, [AsParameters] FitQuery f) =>
            {
                if (inference.GpuMemory is not null || inference.Tp is not null)
                    throw new UsageException("gpuMemory and tp belong to /api/estimate; fit takes device and count");
                var request = new FitRequest
                {
                    Inference = inference, Device = f.Device, Count = f.Count, Ram = f.Ram, Storage = f.Storage, Cpu = f.Cpu,
                    Margin = f.Margin, Tiers = f.Tiers ?? false,
                };
                var resolved = request.Resolve(DeviceCatalog.Index, Style);
                var outcome = resolved.Run(models.Resolve(model));
                return outcome.Report is { } report ? Results.Json(report, json.FitReport)
                    : outcome.Ranking is { } ranking ? Results.Json(ranking, json.FitRanking)
                    : Results.Json(outcome.Tiers!, json.TierReport);
            })
            .Allow<InferenceRequest, FitQuery>(["model"]).Produces<FitReport>().Produces<FitRanking>().Produces<TierReport>().ProducesProblem(400).ProducesProblem(404)
            .WithSummary("Will it fit: a FitReport with device, a FitRanking of catalog devices without, a TierReport with tiers=true (llmsizer fit --json)");

        api.MapGet("/train", (string? model, [AsParameters] TrainRequest request) =>
            {
                var resolved = request.Resolve(Style);
                return Results.Json(resolved.Build(models.Resolve(model)), json.TrainReport);
            })
            .Allow<TrainRequest>(["model"]).Produces<TrainReport>().ProducesProblem(400).ProducesProblem(404)
            .WithSummary("Training memory per GPU, GPU count, time and checkpoints (llmsizer train --json)");

        api.MapGet("/sample", (bool? example, [AsParameters] SampleRequest sample) =>
            {
                if (example is not true)
                    throw new UsageException("example: GET samples the built-in example (example=true); POST a logits file to sample your own");
                var request = sample.Resolve(Style);
                return Results.Json(request.Build(ExampleDistribution.Create(), $"built-in example: \"{ExampleDistribution.Prompt}\""), json.SampleReport);
            })
            .Allow<SampleRequest>(["example"]).Produces<SampleReport>().ProducesProblem(400)
            .WithSummary("Sampling settings applied to the built-in example distribution (llmsizer sample --example --json)");

        api.MapPost("/sample", async (HttpContext context, bool? probabilities, [AsParameters] SampleRequest sample) =>
            {
                var request = sample.Resolve(Style);
                byte[] body = await RequestBody.ReadAsync(context, MaxLogitsBytes, "text/csv", "application/json", "text/plain");
                var input = LogitsFile.Parse(body, "request body", probabilities ?? false);
                return Results.Json(request.Build(input, "request body"), json.SampleReport);
            })
            .Allow<SampleRequest>(["probabilities"]).Produces<SampleReport>().ProducesProblem(400)
            .ProducesProblem(413).ProducesProblem(415).ProducesProblem(422)
            .WithSummary("Sampling settings applied to posted logits: a JSON array, a JSON object {token: logit} or CSV lines token,logit (8 MiB at most)");

        UploadEndpoint.Map(api, uploads);

        api.MapFallback((HttpContext context) => ApiProblem.Of(404, $"no endpoint {context.Request.Method} {context.Request.Path}; /openapi/v1.json lists them").ToResult())
            .ExcludeFromDescription();
    }

    private static RouteHandlerBuilder Allow<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(
        this RouteHandlerBuilder builder, string[]? extra = null, params string[] repeatable) =>
        builder.AddEndpointFilter(QueryCheck.Allow(QueryCheck.NamesOf(typeof(T)).Concat(extra ?? []), repeatable));

    private static RouteHandlerBuilder Allow<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T1,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T2>(this RouteHandlerBuilder builder, string[] extra) =>
        builder.AddEndpointFilter(QueryCheck.Allow(QueryCheck.NamesOf(typeof(T1)).Concat(QueryCheck.NamesOf(typeof(T2))).Concat(extra)));

    private static RouteHandlerBuilder Allow(this RouteHandlerBuilder builder, params string[] names) =>
        builder.AddEndpointFilter(QueryCheck.Allow(names));
}
