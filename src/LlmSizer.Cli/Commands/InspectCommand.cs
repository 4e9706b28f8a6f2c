using System.CommandLine;
using LlmSizer.Cli.Rendering;
using LlmSizer.Models;
using LlmSizer.Reports;

namespace LlmSizer.Cli.Commands;

/// <summary><c>llmsizer inspect MODEL</c>: architecture, exact parameters with breakdown, weight bytes per format.</summary>
internal static class InspectCommand
{
    public static Command Create(CliOutput output)
    {
        var model = CommonOptions.Model();
        var json = CommonOptions.Json();
        var command = new Command("inspect", "Parameters of a model: total and active, breakdown, per-layer detail, weight bytes at FP32…INT4")
        {
            model, json,
        };
        command.SetAction(parse => output.Emit(
            InspectReport.Build(ModelResolver.Resolve(parse.GetValue(model)!)), c => c.InspectReport, InspectRenderer.Render));
        return command;
    }
}
