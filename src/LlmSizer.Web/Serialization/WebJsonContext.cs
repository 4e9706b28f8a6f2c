using System.Text.Json;
using System.Text.Json.Serialization;
using LlmSizer.Reports;
using LlmSizer.Serialization;
using LlmSizer.Web.Api;
using LlmSizer.Web.Hosting;
using LlmSizer.Web.LoadTest;

namespace LlmSizer.Web.Serialization;

/// <summary>Source-generated JSON for what only the web API answers, with the reports' conventions (camelCase, nulls left out).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ApiProblem))]
[JsonSerializable(typeof(UploadResult))]
[JsonSerializable(typeof(MemoryCurve))]
[JsonSerializable(typeof(LoadReport))]
public sealed partial class WebJsonContext : JsonSerializerContext;

/// <summary>The serializer contexts the API writes with: the CLI's report shapes, compact.</summary>
internal static class WebJson
{
    /// <summary>The CLI's report context without indentation (the same fields and names, fewer bytes).</summary>
    public static ReportJsonContext Reports { get; } = new(new JsonSerializerOptions(ReportJsonContext.Default.Options) { WriteIndented = false });

    public static WebJsonContext Web => WebJsonContext.Default;
}
