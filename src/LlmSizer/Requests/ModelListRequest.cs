using LlmSizer.Models;
using LlmSizer.Reports;

namespace LlmSizer.Requests;

/// <summary>Which catalog models to list (<c>llmsizer models</c>, <c>/api/models</c>); sizes are parameter counts such as <c>7b</c>.</summary>
public sealed record ModelListRequest
{
    /// <summary>Text the id, name or family contains.</summary>
    public string? Filter { get; init; }

    /// <summary>Text the family contains (<c>qwen</c>).</summary>
    public string? Family { get; init; }

    /// <summary>Smallest total size (<c>1b</c>).</summary>
    public string? Min { get; init; }

    /// <summary>Largest total size (<c>70b</c>).</summary>
    public string? Max { get; init; }

    public ModelList Build(FieldStyle style) =>
        ModelList.Build(Filter, Family, Parameters(Min, "min", style), Parameters(Max, "max", style));

    private static long? Parameters(string? text, string field, FieldStyle style)
    {
        if (text is null)
            return null;
        if (BareSize.TryParse(text, out var size) && !size.IsMixture)
            return size.Parameters;
        throw RequestFields.Error(field, $"{RequestFields.Name(field, style)} '{text}': expected a size such as 500m, 7b or 1.5t");
    }
}
