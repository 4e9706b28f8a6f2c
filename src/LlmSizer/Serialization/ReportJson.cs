using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LlmSizer.Serialization;

/// <summary>Serializes reports as the CLI and web API print them: indented camelCase, nulls left out, quotes and '&lt;' unescaped for readability.</summary>
public static class ReportJson
{
    public static ReportJsonContext Context { get; } = new(new JsonSerializerOptions(ReportJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static string Serialize<T>(T value, Func<ReportJsonContext, JsonTypeInfo<T>> type) => JsonSerializer.Serialize(value, type(Context));
}
