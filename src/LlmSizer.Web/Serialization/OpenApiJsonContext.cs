using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace LlmSizer.Web.Serialization;

/// <summary>
/// JSON contracts the OpenAPI document needs for types the API never writes through its own contexts: the problem details
/// its endpoints declare (<c>ProducesProblem</c>) and the query parameters' types. The document generator asks the HTTP
/// JSON options for every type it describes; with reflection-based serialization off (Native AOT, and every build of
/// the CLI and the web app, so they fail alike) only source-generated contracts exist.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ProblemDetails))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(bool?))]
[JsonSerializable(typeof(int?))]
[JsonSerializable(typeof(long?))]
[JsonSerializable(typeof(ulong?))]
[JsonSerializable(typeof(double?))]
internal sealed partial class OpenApiJsonContext : JsonSerializerContext;
