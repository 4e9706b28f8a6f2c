using System.Text.Json.Serialization;
using LlmSizer.Hardware;
using LlmSizer.Hardware.Tiers;
using LlmSizer.Models;

namespace LlmSizer.Serialization;

/// <summary>Source-generated JSON metadata for the library's embedded data (camelCase, enums as strings, unknown fields rejected).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(List<CatalogEntry>))]
[JsonSerializable(typeof(DeviceCatalogDocument))]
[JsonSerializable(typeof(TierDocument))]
public sealed partial class LlmSizerJsonContext : JsonSerializerContext;
