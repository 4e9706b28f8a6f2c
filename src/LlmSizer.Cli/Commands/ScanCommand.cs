using System.CommandLine;
using LlmSizer.Cli.Rendering;
using LlmSizer.Formats.Local;
using LlmSizer.Reports;

namespace LlmSizer.Cli.Commands;

/// <summary><c>llmsizer scan [--dir PATH]...</c>: the models already on this machine.</summary>
internal static class ScanCommand
{
    public static Command Create(CliOutput output)
    {
        var dirs = new Option<string[]>("--dir")
        {
            Description = "Scan this folder (repeatable) instead of Ollama's store, LM Studio's folders and the Hugging Face cache",
            AllowMultipleArgumentsPerToken = false,
        };
        var json = CommonOptions.Json();
        var command = new Command("scan", "List models on this machine (Ollama, LM Studio, Hugging Face cache, or --dir): parameters, quant mix, size on disk")
        {
            dirs, json,
        };
        command.SetAction(parse => output.Emit(
            ScanReport.Build(LocalModelLocations.FromEnvironment(), parse.GetValue(dirs) ?? []), c => c.ScanReport, ScanRenderer.Render));
        return command;
    }
}
