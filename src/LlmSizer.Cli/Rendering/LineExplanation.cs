using LlmSizer.Inference;
using LlmSizer.Units;
using Spectre.Console;

namespace LlmSizer.Cli.Rendering;

/// <summary>What <c>--explain</c> prints for one line item: its bytes, formula, inputs and source.</summary>
internal static class LineExplanation
{
    /// <param name="where">Where the bytes live, appended after the GiB figure (e.g. <c>per GPU</c>); null for nothing.</param>
    public static void Write(IAnsiConsole console, string name, long bytes, string? where, string formula, IReadOnlyList<EstimateInput> inputs, string source)
    {
        console.MarkupLine($"[bold]{Markup.Escape(name)}[/] = {CountFormat.Exact(bytes)} bytes ({ByteSize.FormatGiB(bytes)}{(where is null ? "" : ", " + where)})");
        console.WriteLine($"  formula: {formula}");
        if (inputs.Count > 0)
            console.WriteLine("  inputs:  " + string.Join(", ", inputs.Select(x => $"{x.Name} = {x.Value}")));
        console.WriteLine($"  source:  {source}");
    }
}
