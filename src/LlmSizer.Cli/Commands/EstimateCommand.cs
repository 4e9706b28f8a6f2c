using System.CommandLine;
using LlmSizer.Cli.Rendering;
using LlmSizer.Reports;

namespace LlmSizer.Cli.Commands;

/// <summary><c>llmsizer estimate MODEL [inference options]</c>: inference memory on one engine, line by line.</summary>
internal static class EstimateCommand
{
    public static Command Create(CliOutput output)
    {
        var model = CommonOptions.Model();
        var inference = new InferenceArguments();
        var gpuMemory = new Option<string?>("--gpu-memory") { Description = "Memory of one GPU, e.g. 80GB or 24GiB (vLLM sizes its KV cache from it)" };
        var tp = new Option<int>("--tp") { Description = "Tensor-parallel GPUs (vLLM)", DefaultValueFactory = _ => 1 };
        var explain = new Option<bool>("--explain") { Description = "Show each line's formula, inputs and source" };
        var json = CommonOptions.Json();
        var command = new Command("estimate", "Inference memory: weights, KV cache, compute buffers and overhead, per engine") { model };
        inference.AddTo(command);
        command.Options.Add(gpuMemory);
        command.Options.Add(tp);
        command.Options.Add(explain);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var options = inference.Read(parse) with
            {
                GpuMemoryBytes = InferenceArguments.Size(parse.GetValue(gpuMemory), "--gpu-memory"),
                TensorParallel = parse.GetValue(tp),
            };
            bool withExplain = parse.GetValue(explain);
            var source = InspectCommand.Open(parse.GetValue(model)!);
            return output.Emit(EstimateReport.Build(source, options), c => c.EstimateReport,
                (report, console) => EstimateRenderer.Render(report, console, withExplain));
        });
        return command;
    }
}
