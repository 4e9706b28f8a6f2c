using System.CommandLine;
using LlmSizer.Cli.Rendering;
using LlmSizer.Formats;
using LlmSizer.Hardware;
using LlmSizer.Reports;
using LlmSizer.Requests;

namespace LlmSizer.Cli.Commands;

/// <summary>
/// <c>llmsizer compare MODEL[:WEIGHTS] ... [--device NAME[xN] ...] [inference options]</c>: models side by side — parameters,
/// weights, memory, the verdict on each device, the cheapest hardware tier.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(CliOutput output)
    {
        var models = new Argument<string[]>("MODEL[:WEIGHTS]")
        {
            Description = "Models to compare, each optionally with its weights type after a colon: 13b:int8 7b:bf16 llama-3.1-8b:q4_k_m",
            Arity = ArgumentArity.OneOrMore,
        };
        var devices = new Option<string[]>("--device") { Description = "A device to fit every model on (repeatable): rtx-4090, h100x2, m4-max-128gb…" };
        var devicesFile = new Option<string?>("--devices-file") { Description = "A JSON file of your own devices (the catalog's format) to resolve names from as well" };
        var margin = new Option<string?>("--margin") { Description = "Memory to keep free on each GPU (default 1GiB, llama.cpp's --fit-target; none for vLLM)" };
        var inference = new InferenceArguments();
        var json = CommonOptions.Json();
        var command = new Command("compare", "Models side by side: parameters, weights, KV cache and total memory, fit on each --device, the cheapest hardware tier") { models, devices, devicesFile, margin };
        inference.AddTo(command);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var request = inference.Request(parse);
            var options = request.ToOptions(FieldStyle.Cli);
            var index = parse.GetValue(devicesFile) is { } file ? DeviceCatalog.WithFile(file) : DeviceCatalog.Index;
            var selections = (parse.GetValue(devices) ?? []).Select(d => index.Resolve(d)).ToList();
            long? marginBytes = RequestFields.Size(parse.GetValue(margin), "margin", FieldStyle.Cli);
            var entries = parse.GetValue(models)!.Select(text =>
            {
                var split = ModelWithWeights.Parse(text);
                return new ComparisonEntry(text.Trim(), InspectCommand.Open(split.Model), split.Weights);
            }).ToList();
            return output.Emit(ComparisonReport.Build(entries, options, request.EngineGiven, selections, marginBytes: marginBytes),
                c => c.ComparisonReport, CompareRenderer.Render);
        });
        return command;
    }
}
