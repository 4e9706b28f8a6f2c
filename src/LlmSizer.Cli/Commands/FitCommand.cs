using System.CommandLine;
using LlmSizer.Cli.Charts;
using LlmSizer.Cli.Rendering;
using LlmSizer.Hardware;
using LlmSizer.Requests;

namespace LlmSizer.Cli.Commands;

/// <summary>
/// <c>llmsizer fit MODEL [--device NAME[xN]] [--ram SIZE] [--storage CLASS] [inference options]</c>: does it fit, how to place
/// it, what RAM, disk and load time it needs; without <c>--device</c>, the catalog's devices that run it, ranked.
/// </summary>
internal static class FitCommand
{
    public static Command Create(CliOutput output)
    {
        var model = CommonOptions.Model();
        var device = new Option<string?>("--device") { Description = "The device: a catalog name (rtx-4090, 4090, h100, m4-max-128gb), NAMExN for several (h100x8), or custom:mem=24GB,bw=1008GB/s,fp16=165TF" };
        var count = new Option<int?>("--count") { Description = "How many of the device (the same as NAMExN)" };
        var devicesFile = new Option<string?>("--devices-file") { Description = "A JSON file of your own devices (the catalog's format) to resolve names from as well" };
        var ram = new Option<string?>("--ram") { Description = "System RAM for layers kept on the CPU, e.g. 64GB (default: not checked)" };
        var storage = new Option<string?>("--storage") { Description = "Where the model file is read from, for the load time: hdd, sata-ssd, nvme3, nvme4, nvme5, nas-1gbe, nas-10gbe… or a rate such as 800MB/s" };
        var cpu = new Option<string?>("--cpu") { Description = "The host CPU and memory for layers kept in RAM, a catalog CPU entry (ddr5-5600-2ch, ddr4-3200-2ch…; default ddr5-5600-2ch)" };
        var margin = new Option<string?>("--margin") { Description = "Memory to keep free on each GPU (default 1GiB, llama.cpp's --fit-target; none for vLLM)" };
        var tiers = new Option<bool>("--tiers") { Description = "Per hardware tier (desktop GPU, laptop GPU, Mac, workstation, server, CPU) the cheapest machine that runs the model, and the cheapest tier" };
        var plot = CommonOptions.Plot("fits / offload / does not fit for each device (the asked one and each tier's) at each weight type of the quality ladder");
        var inference = new InferenceArguments();
        var json = CommonOptions.Json();
        var command = new Command("fit", "Will it fit: verdict, GPU layers and split, RAM, disk, load time, longest context; without --device, which devices run it") { model, device, count, devicesFile, ram, storage, cpu, margin, tiers, plot };
        inference.AddTo(command);
        command.Options.Add(json);
        command.SetAction(parse =>
        {
            var index = parse.GetValue(devicesFile) is { } file ? DeviceCatalog.WithFile(file) : DeviceCatalog.Index;
            var request = new FitRequest
            {
                Inference = inference.Request(parse),
                Device = parse.GetValue(device),
                Count = parse.GetValue(count),
                Ram = parse.GetValue(ram),
                Storage = parse.GetValue(storage),
                Cpu = parse.GetValue(cpu),
                Margin = parse.GetValue(margin),
                Tiers = parse.GetValue(tiers),
            }.Resolve(index, FieldStyle.Cli);
            string? plotFile = parse.GetValue(plot);
            if (plotFile is not null)
                ChartFile.Check(plotFile);
            var source = InspectCommand.Open(parse.GetValue(model)!);
            var outcome = request.Run(source);
            // The chart is written before the report is printed, so a failure to write it leaves one error, not a report and an error.
            if (plotFile is not null)
            {
                var matrix = request.Matrix(source);
                ChartFile.Save(FitMatrixChart.Draw(matrix), plotFile, height: FitMatrixChart.HeightFor(matrix));
            }
            int exit = outcome switch
            {
                { Report: { } report } => output.Emit(report, c => c.FitReport, FitRenderer.Render),
                { Ranking: { } ranking } => output.Emit(ranking, c => c.FitRanking, FitRenderer.RenderRanking),
                _ => output.Emit(outcome.Tiers!, c => c.TierReport, FitRenderer.RenderTiers),
            };
            if (plotFile is not null && !output.Json)
                output.Out.WriteLine($"Chart: {plotFile}");
            return exit;
        });
        return command;
    }
}
