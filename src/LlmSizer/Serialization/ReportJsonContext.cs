using System.Text.Json.Serialization;
using LlmSizer.Reports;

namespace LlmSizer.Serialization;

/// <summary>Source-generated JSON for reports the CLI and web API print (camelCase, indented, nulls left out).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InspectReport))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ErrorDocument))]
[JsonSerializable(typeof(ScanReport))]
[JsonSerializable(typeof(EstimateReport))]
[JsonSerializable(typeof(DeviceList))]
[JsonSerializable(typeof(FitReport))]
[JsonSerializable(typeof(FitRanking))]
[JsonSerializable(typeof(TierReport))]
[JsonSerializable(typeof(ComparisonReport))]
[JsonSerializable(typeof(TrainReport))]
[JsonSerializable(typeof(SampleReport))]
public sealed partial class ReportJsonContext : JsonSerializerContext;
