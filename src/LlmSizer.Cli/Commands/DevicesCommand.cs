using System.CommandLine;
using LlmSizer.Cli.Rendering;
using LlmSizer.Errors;
using LlmSizer.Hardware;
using LlmSizer.Reports;

namespace LlmSizer.Cli.Commands;

/// <summary><c>llmsizer devices [FILTER] [--kind gpu|unified|cpu] [--storage]</c>.</summary>
internal static class DevicesCommand
{
    public static Command Create(CliOutput output)
    {
        var filter = new Argument<string?>("FILTER") { Description = "Show devices whose id, name, vendor or alias contains this text (4090, h100, m4 max)", Arity = ArgumentArity.ZeroOrOne };
        var kind = new Option<string?>("--kind") { Description = "Only gpu (own memory), unified (Apple Silicon, DGX Spark, Ryzen AI Max) or cpu" };
        var storage = new Option<bool>("--storage") { Description = "List the storage classes (model load speed) instead of devices" };
        var json = CommonOptions.Json();
        var command = new Command("devices", "List the embedded hardware catalog: memory and what a model may use of it, bandwidth, dense tensor throughput, links")
        {
            filter, kind, storage, json,
        };
        command.SetAction(parse =>
        {
            bool listStorage = parse.GetValue(storage);
            if (listStorage && parse.GetValue(kind) is not null)
                throw new UsageException("--kind applies to devices, not to --storage");
            return output.Emit(DeviceList.Build(parse.GetValue(filter), Kind(parse.GetValue(kind)), listStorage), c => c.DeviceList, DevicesRenderer.Render);
        });
        return command;
    }

    private static DeviceKind? Kind(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null => null,
        "gpu" => DeviceKind.Gpu,
        "unified" => DeviceKind.UnifiedMemory,
        "cpu" => DeviceKind.Cpu,
        _ => throw new UsageException($"--kind '{text}': expected gpu, unified or cpu"),
    };
}
