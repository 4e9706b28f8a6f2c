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
/// The JSON API: one endpoint per CLI command, each a thin shell — query text into the library's request record, the library
/// call, the report serialised exactly as the CLI's <c>--json</c> prints it (compact rather than indented).
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

        api.MapGet("/models", ([AsParameters] ModelsQuery q) =>
                Results.Json(new ModelListRequest { Filter = q.Filter, Family = q.Family, Min = q.Min, Max = q.Max }.Build(Style), json.ModelList))
            .Allow<ModelsQuery>().Produces<ModelList>().ProducesProblem(400)
            .WithSummary("The model catalog (llmsizer models --json)");

        api.MapGet("/devices", ([AsParameters] DevicesQuery q) =>
                Results.Json(new DeviceListRequest { Filter = q.Filter, Kind = q.Kind, Storage = q.Storage ?? false }.Build(Style), json.DeviceList))
            .Allow<DevicesQuery>().Produces<DeviceList>().ProducesProblem(400)
            .WithSummary("The device catalog, or storage classes with storage=true (llmsizer devices --json)");

        api.MapGet("/inspect", (string? model) => Results.Json(InspectReport.Build(models.Resolve(model)), json.InspectReport))
            .Allow("model").Produces<InspectReport>().ProducesProblem(400).ProducesProblem(404)
            .WithSummary("Parameters with their breakdown and weight bytes per format (llmsizer inspect --json)");

        api.MapGet("/estimate", ([AsParameters] InferenceQuery q) =>
            {
                var options = Inference(q).ToOptions(Style);
                return Results.Json(EstimateReport.Build(models.Resolve(q.Model), options), json.EstimateReport);
            })
            .Allow<InferenceQuery>().Produces<EstimateReport>().ProducesProblem(400).ProducesProblem(404)
            .WithSummary("Inference memory line by line on one engine (llmsizer estimate --json)");

        api.MapGet("/curve", ([AsParameters] InferenceQuery q, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "device")] string[]? device) =>
            {
                var options = Inference(q).ToOptions(Style);
                var capacities = (device ?? []).Select(d => DeviceCatalog.Resolve(d)).ToList();
                return Results.Json(MemoryCurve.Build(models.Resolve(q.Model), options, capacities), WebJson.Web.MemoryCurve);
            })
            .Allow<InferenceQuery>(["device"], "device").Produces<MemoryCurve>().ProducesProblem(400).ProducesProblem(404)
            .WithSummary("Memory against context for several weight types, with device capacity lines (what estimate --plot draws)");

        api.MapGet("/fit", ([AsParameters] InferenceQuery q, [AsParameters] FitQuery f) =>
            {
                if (q.GpuMemory is not null || q.Tp is not null)
                    throw new UsageException("gpuMemory and tp belong to /api/estimate; fit takes device and count");
                var request = new FitRequest
                {
                    Inference = Inference(q), Device = f.Device, Count = f.Count, Ram = f.Ram, Storage = f.Storage, Cpu = f.Cpu,
                    Margin = f.Margin, Tiers = f.Tiers ?? false,
                };
                var resolved = request.Resolve(DeviceCatalog.Index, Style);
                var outcome = resolved.Run(models.Resolve(q.Model));
                return outcome.Report is { } report ? Results.Json(report, json.FitReport)
                    : outcome.Ranking is { } ranking ? Results.Json(ranking, json.FitRanking)
                    : Results.Json(outcome.Tiers!, json.TierReport);
            })
            .Allow<InferenceQuery, FitQuery>().Produces<FitReport>().Produces<FitRanking>().Produces<TierReport>().ProducesProblem(400).ProducesProblem(404)
            .WithSummary("Will it fit: a FitReport with device, a FitRanking of catalog devices without, a TierReport with tiers=true (llmsizer fit --json)");

        api.MapGet("/train", ([AsParameters] TrainQuery q) =>
            {
                var resolved = Train(q).Resolve(Style);
                return Results.Json(resolved.Build(models.Resolve(q.Model)), json.TrainReport);
            })
            .Allow<TrainQuery>().Produces<TrainReport>().ProducesProblem(400).ProducesProblem(404)
            .WithSummary("Training memory per GPU, GPU count, time and checkpoints (llmsizer train --json)");

        api.MapGet("/sample", ([AsParameters] SampleQuery q) =>
            {
                if (q.Example is not true)
                    throw new UsageException("example: GET samples the built-in example (example=true); POST a logits file to sample your own");
                if (q.Probabilities is not null)
                    throw new UsageException("probabilities describes a posted logits file; the example needs no flag");
                var request = Sample(q).Resolve(Style);
                return Results.Json(request.Build(ExampleDistribution.Create(), $"built-in example: \"{ExampleDistribution.Prompt}\""), json.SampleReport);
            })
            .Allow<SampleQuery>().Produces<SampleReport>().ProducesProblem(400)
            .WithSummary("Sampling settings applied to the built-in example distribution (llmsizer sample --example --json)");

        api.MapPost("/sample", async (HttpContext context, [AsParameters] SampleQuery q) =>
            {
                if (q.Example is not null)
                    throw new UsageException("example: POST samples the logits in the body; GET /api/sample?example=true samples the built-in example");
                var request = Sample(q).Resolve(Style);
                byte[] body = await RequestBody.ReadAsync(context, MaxLogitsBytes, "text/csv", "application/json", "text/plain");
                var input = LogitsFile.Parse(body, "request body", q.Probabilities ?? false);
                return Results.Json(request.Build(input, "request body"), json.SampleReport);
            })
            .Allow<SampleQuery>().Produces<SampleReport>().ProducesProblem(400)
            .ProducesProblem(413).ProducesProblem(415).ProducesProblem(422)
            .WithSummary("Sampling settings applied to posted logits: a JSON array, a JSON object {token: logit} or CSV lines token,logit (8 MiB at most)");

        UploadEndpoint.Map(api, uploads);

        api.MapFallback((HttpContext context) => ApiProblem.Of(404, $"no endpoint {context.Request.Method} {context.Request.Path}; /openapi/v1.json lists them").ToResult())
            .ExcludeFromDescription();
    }

    private static InferenceRequest Inference(InferenceQuery q) => new()
    {
        Engine = q.Engine, Weights = q.Weights, Context = q.Context, Batch = q.Batch, Ubatch = q.Ubatch, BatchTokens = q.BatchTokens,
        KvType = q.KvType, KvTypeV = q.KvTypeV, FlashAttention = q.FlashAttention, Mmap = q.Mmap, GpuLayers = q.GpuLayers,
        CpuMoeLayers = q.CpuMoeLayers, GpuMemoryUtilization = q.GpuMemoryUtilization, MaxBatchedTokens = q.MaxBatchedTokens,
        GpuMemory = q.GpuMemory, Tp = q.Tp,
    };

    private static TrainRequest Train(TrainQuery q) => new()
    {
        Method = q.Method, Optimizer = q.Optimizer, Precision = q.Precision, LoraRank = q.LoraRank, LoraTargets = q.LoraTargets,
        Seq = q.Seq, MicroBatch = q.MicroBatch, GradAccum = q.GradAccum, Recompute = q.Recompute, Attention = q.Attention,
        ChunkedLoss = q.ChunkedLoss ?? false, OptimizerInBackward = q.OptimizerInBackward ?? false, Zero = q.Zero,
        Offload = q.Offload, OffloadDevice = q.OffloadDevice, Tp = q.Tp, Pp = q.Pp, Ep = q.Ep,
        SequenceParallel = q.SequenceParallel ?? false, Gpus = q.Gpus, GpusPerNode = q.GpusPerNode, Device = q.Device,
        GpuMemory = q.GpuMemory, Tokens = q.Tokens, Mfu = q.Mfu, Price = q.Price,
    };

    private static SampleRequest Sample(SampleQuery q) => new()
    {
        Engine = q.Engine, Temperature = q.Temperature, TopK = q.TopK, TopP = q.TopP, MinP = q.MinP, TypicalP = q.TypicalP,
        RepetitionPenalty = q.RepetitionPenalty, PresencePenalty = q.PresencePenalty, FrequencyPenalty = q.FrequencyPenalty,
        PreviousTokens = q.PreviousTokens, Draws = q.Draws, Seed = q.Seed, Show = q.Show,
    };

    private static RouteHandlerBuilder Allow<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(
        this RouteHandlerBuilder builder, string[]? extra = null, params string[] repeatable) =>
        builder.AddEndpointFilter(QueryCheck.Allow(QueryCheck.NamesOf(typeof(T)).Concat(extra ?? []), repeatable));

    private static RouteHandlerBuilder Allow<
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T1,
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T2>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(QueryCheck.Allow(QueryCheck.NamesOf(typeof(T1)).Concat(QueryCheck.NamesOf(typeof(T2)))));

    private static RouteHandlerBuilder Allow(this RouteHandlerBuilder builder, params string[] names) =>
        builder.AddEndpointFilter(QueryCheck.Allow(names));
}
