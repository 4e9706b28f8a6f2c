using System.CommandLine;
using LlmSizer.Cli.Rendering;
using LlmSizer.Errors;
using LlmSizer.Models;
using LlmSizer.Reports;

namespace LlmSizer.Cli.Commands;

/// <summary><c>llmsizer models [FILTER] [--family F] [--min SIZE] [--max SIZE]</c>.</summary>
internal static class ModelsCommand
{
    public static Command Create(CliOutput output)
    {
        var filter = new Argument<string?>("FILTER") { Description = "Show models whose id, name or family contains this text", Arity = ArgumentArity.ZeroOrOne };
        var family = new Option<string?>("--family") { Description = "Only this family (e.g. \"Llama 3.1\", qwen)" };
        var min = new Option<string?>("--min") { Description = "Smallest total size, e.g. 1b" };
        var max = new Option<string?>("--max") { Description = "Largest total size, e.g. 70b" };
        var json = CommonOptions.Json();
        var command = new Command("models", "List the embedded model catalog with computed and official parameter counts")
        {
            filter, family, min, max, json,
        };
        command.SetAction(parse => output.Emit(
            ModelList.Build(parse.GetValue(filter), parse.GetValue(family), Size(parse.GetValue(min), "--min"), Size(parse.GetValue(max), "--max")),
            c => c.ModelList, ModelsRenderer.Render));
        return command;
    }

    private static long? Size(string? text, string option)
    {
        if (text is null)
            return null;
        if (BareSize.TryParse(text, out var size) && !size.IsMixture)
            return size.Parameters;
        throw new UsageException($"{option} '{text}': expected a size such as 500m, 7b or 1.5t");
    }
}
