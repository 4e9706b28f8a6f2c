using System.CommandLine;
using LlmSizer.Cli.Rendering;
using LlmSizer.Formats;
using LlmSizer.Reports;

namespace LlmSizer.Cli.Commands;

/// <summary><c>llmsizer inspect MODEL</c>: architecture, exact parameters with breakdown, weight bytes per format, file facts.</summary>
internal static class InspectCommand
{
    public static Command Create(CliOutput output)
    {
        var model = CommonOptions.Model();
        var json = CommonOptions.Json();
        var command = new Command("inspect", "Parameters of a model: total and active, breakdown, per-layer detail, weight bytes at FP32…INT4, the quant mix of a weights file")
        {
            model, json,
        };
        command.SetAction(parse => output.Emit(
            InspectReport.Build(Open(parse.GetValue(model)!)), c => c.InspectReport, InspectRenderer.Render));
        return command;
    }

    /// <summary>Opens any MODEL; Hub reads show their progress on a terminal.</summary>
    internal static ModelSource Open(string model) =>
        HubProgressDisplay.Run(progress => ModelSource.Open(model, new ModelSourceOptions { HubProgress = progress }));
}
