using System.CommandLine;
using LlmSizer.Cli.Rendering;
using LlmSizer.Requests;

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
            new ModelListRequest { Filter = parse.GetValue(filter), Family = parse.GetValue(family), Min = parse.GetValue(min), Max = parse.GetValue(max) }.Build(FieldStyle.Cli),
            c => c.ModelList, ModelsRenderer.Render));
        return command;
    }
}
