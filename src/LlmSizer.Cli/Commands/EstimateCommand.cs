using System.CommandLine;
using LlmSizer.Cli.Charts;
using LlmSizer.Cli.Rendering;
using LlmSizer.Errors;
using LlmSizer.Hardware;
using LlmSizer.Reports;
using LlmSizer.Requests;

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
        var plot = CommonOptions.Plot("memory (GiB) against context (tokens) for several weight types, with device capacity lines");
        var devices = new Option<string[]>("--device") { Description = "With --plot: a device whose usable memory is drawn (repeatable; default 12, 16, 24, 48 and 80 GB cards)" };
        var json = CommonOptions.Json();
        var command = new Command("estimate", "Inference memory: weights, KV cache, compute buffers and overhead, per engine") { model };
        inference.AddTo(command);
        command.Options.Add(gpuMemory);
        command.Options.Add(tp);
        command.Options.Add(explain);
        command.Options.Add(plot);
        command.Options.Add(devices);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var options = (inference.Request(parse) with { GpuMemory = parse.GetValue(gpuMemory), Tp = parse.GetValue(tp) }).ToOptions(FieldStyle.Cli);
            bool withExplain = parse.GetValue(explain);
            string? plotFile = parse.GetValue(plot);
            var capacities = (parse.GetValue(devices) ?? []).Select(d => DeviceCatalog.Resolve(d)).ToList();
            if (plotFile is null && capacities.Count > 0)
                throw new UsageException("estimate: --device draws a capacity line on the chart; give --plot FILE.png as well, or use 'llmsizer fit'");
            if (plotFile is not null)
                ChartFile.Check(plotFile);
            var source = InspectCommand.Open(parse.GetValue(model)!);
            var report = EstimateReport.Build(source, options);
            if (plotFile is not null)
                ChartFile.Save(MemoryCurveChart.Draw(MemoryCurve.Build(source, options, capacities)), plotFile);
            int exit = output.Emit(report, c => c.EstimateReport, (r, console) => EstimateRenderer.Render(r, console, withExplain));
            if (plotFile is not null && !output.Json)
                output.Out.WriteLine($"Chart: {plotFile}");
            return exit;
        });
        return command;
    }
}
