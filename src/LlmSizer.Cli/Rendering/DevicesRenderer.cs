using System.Globalization;
using LlmSizer.Reports;
using LlmSizer.Units;
using Spectre.Console;

namespace LlmSizer.Cli.Rendering;

internal static class DevicesRenderer
{
    public static void Render(DeviceList list, IAnsiConsole console)
    {
        if (list.Storage is { } storage)
        {
            RenderStorage(storage, console);
            return;
        }
        var devices = list.Devices ?? [];
        if (devices.Count == 0)
        {
            console.WriteLine("No catalog device matches. Describe one with custom:mem=24GiB,bw=1008GB/s,fp16=165TF.");
            return;
        }
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("Id").AddColumn("Name")
            .AddColumn(new TableColumn("Memory GiB (usable)").RightAligned())
            .AddColumn(new TableColumn("GB/s").RightAligned())
            .AddColumn(new TableColumn("FP16 TFLOPS").RightAligned())
            .AddColumn(new TableColumn("FP8").RightAligned())
            .AddColumn("Interconnect");
        foreach (var d in devices)
            table.AddRow(
                Markup.Escape(d.Id), Markup.Escape(d.Name),
                $"{Gib(d.MemoryBytes)} ({Gib(d.UsableMemoryBytes)})",
                (d.BandwidthBytesPerSecond / 1e9).ToString("0.##", CultureInfo.InvariantCulture),
                ComputeRate.FormatTera(d.Fp16Flops),
                d.Fp8Flops is { } fp8 ? ComputeRate.FormatTera(fp8) : "-",
                Markup.Escape(d.Interconnect));
        console.Write(table);
        console.WriteLine($"{devices.Count} {(devices.Count == 1 ? "device" : "devices")}. Memory in GiB (2^30 bytes); usable is what a model may have (--json gives each rule);");
        console.WriteLine("bandwidth in GB/s (10^9 bytes/s); FP16 and FP8 are dense tensor TFLOPS, no sparsity.");
    }

    private static void RenderStorage(IReadOnlyList<LlmSizer.Hardware.StorageClass> storage, IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("Id").AddColumn("Name").AddColumn(new TableColumn("Read MB/s").RightAligned());
        foreach (var s in storage)
            table.AddRow(Markup.Escape(s.Id), Markup.Escape(s.Name), (s.ReadBytesPerSecond / 1e6).ToString("0.#", CultureInfo.InvariantCulture));
        console.Write(table);
        console.WriteLine($"{storage.Count} storage classes: sustained sequential read in MB/s (10^6 bytes/s); --json gives each source.");
    }

    private static string Gib(long bytes) => ByteSize.ToGiB(bytes).ToString("0.##", CultureInfo.InvariantCulture);
}
