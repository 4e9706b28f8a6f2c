using LlmSizer.Reports;
using LlmSizer.Units;
using Spectre.Console;

namespace LlmSizer.Cli.Rendering;

internal static class ModelsRenderer
{
    public static void Render(ModelList list, IAnsiConsole console)
    {
        if (list.Models.Count == 0)
        {
            console.WriteLine("No catalog model matches.");
            return;
        }
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("Id").AddColumn("Name").AddColumn("Family")
            .AddColumn(new TableColumn("Total").RightAligned())
            .AddColumn(new TableColumn("Active").RightAligned())
            .AddColumn(new TableColumn("Official").RightAligned());
        foreach (var m in list.Models)
            table.AddRow(
                Markup.Escape(m.Id), Markup.Escape(m.Name), Markup.Escape(m.Family),
                CountFormat.Short(m.Total), m.MixtureOfExperts ? CountFormat.Short(m.Active) : "=",
                Markup.Escape(m.Official));
        console.Write(table);
        console.WriteLine($"{list.Models.Count} models. Total/Active are computed from each architecture; Official is the publisher's figure.");
    }
}
