using System.CommandLine;
using LlmSizer.Cli.Rendering;
using LlmSizer.Requests;

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
        command.SetAction(parse => output.Emit(
            new DeviceListRequest { Filter = parse.GetValue(filter), Kind = parse.GetValue(kind), Storage = parse.GetValue(storage) }.Build(FieldStyle.Cli),
            c => c.DeviceList, DevicesRenderer.Render));
        return command;
    }
}
