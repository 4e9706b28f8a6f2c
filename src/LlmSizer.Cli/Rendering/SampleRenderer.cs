using System.Globalization;
using LlmSizer.Reports;
using Spectre.Console;

namespace LlmSizer.Cli.Rendering;

/// <summary>Prints a sample report: the order and settings, one table with a bar chart per stage, the final distribution beside the draws, explanations.</summary>
internal static class SampleRenderer
{
    /// <summary>Bar width in characters for probability 1.</summary>
    private const int BarWidth = 40;

    public static void Render(SampleReport report, IAnsiConsole console)
    {
        console.WriteLine($"Sampling on {report.Engine}: {report.Input} ({report.VocabularySize:N0} tokens)");
        console.WriteLine($"Order: {string.Join(" → ", report.Order)}  ({report.OrderSource})");
        var s = report.Settings;
        string Mark(string option, string text) => s.Defaulted.Contains(option) ? $"{text} ({report.Engine} default)" : text;
        var parts = new List<string>
        {
            Mark("--temperature", $"temperature {Num(s.Temperature)}" + (s.Temperature == 0 ? " (greedy)" : "")),
            Mark("--top-k", s.TopK == 0 ? "top-k off" : $"top-k {s.TopK}"),
            Mark("--top-p", s.TopP >= 1 ? "top-p off" : $"top-p {Num(s.TopP)}"),
            Mark("--min-p", s.MinP <= 0 ? "min-p off" : $"min-p {Num(s.MinP)}"),
            Mark("--typical-p", s.TypicalP >= 1 ? "typical-p off" : $"typical-p {Num(s.TypicalP)}"),
        };
        if (s.RepetitionPenalty != 1 || s.PresencePenalty != 0 || s.FrequencyPenalty != 0)
            parts.Add($"penalties repetition {Num(s.RepetitionPenalty)}, presence {Num(s.PresencePenalty)}, frequency {Num(s.FrequencyPenalty)} on [{string.Join(", ", s.PreviousTokens)}]");
        console.WriteLine(Markup.Escape("Settings: " + string.Join(", ", parts)));
        console.WriteLine();

        foreach (var stage in report.Stages)
        {
            string title = stage.Name == "input" ? "input (temperature 1)" : $"after {stage.Name} {stage.Setting}";
            console.WriteLine(Markup.Escape($"{title}: {stage.Survivors:N0} candidates, entropy {Num(stage.EntropyNats)} nats, effective candidates e^H = {Num(stage.EffectiveCandidates)}"));
            var table = new Table().Border(TableBorder.Simple).HideHeaders()
                .AddColumn("Token").AddColumn(new TableColumn("Id").RightAligned()).AddColumn(new TableColumn("p").RightAligned()).AddColumn("Bar");
            foreach (var c in stage.Candidates)
                table.AddRow(Markup.Escape(Quote(c.Token)), c.Id.ToString(CultureInfo.InvariantCulture), Pct(c.Probability), Bar(c.Probability));
            Rest(table, stage.Survivors - stage.Candidates.Count, 1 - stage.Candidates.Sum(c => c.Probability), 3);
            console.Write(table);
        }

        console.WriteLine(Markup.Escape($"Final: {report.FinalSurvivors:N0} tokens can be drawn, entropy {Num(report.EntropyNats)} nats, effective candidates {Num(report.EffectiveCandidates)}"));
        var final = new Table().Border(TableBorder.Simple)
            .AddColumn("Token").AddColumn(new TableColumn("Id").RightAligned()).AddColumn(new TableColumn("p").RightAligned()).AddColumn("Bar");
        var draws = report.Draws;
        if (draws is not null)
            final.AddColumn(new TableColumn("Drawn").RightAligned()).AddColumn(new TableColumn("Expected N·p").RightAligned());
        for (int i = 0; i < report.Final.Count; i++)
        {
            var c = report.Final[i];
            var row = new List<string> { Markup.Escape(Quote(c.Token)), c.Id.ToString(CultureInfo.InvariantCulture), Pct(c.Probability), Bar(c.Probability) };
            if (draws is not null)
                row.AddRange([draws.Tokens[i].Observed.ToString("N0", CultureInfo.InvariantCulture), draws.Tokens[i].Expected.ToString("0.0", CultureInfo.InvariantCulture)]);
            final.AddRow(row.ToArray());
        }
        int others = report.FinalSurvivors - report.Final.Count;
        if (others > 0)
        {
            var row = new List<string> { $"({others:N0} others)", "", Pct(1 - report.Final.Sum(c => c.Probability)), "" };
            if (draws is not null)
                row.AddRange([draws.OtherObserved.ToString("N0", CultureInfo.InvariantCulture), draws.OtherExpected.ToString("0.0", CultureInfo.InvariantCulture)]);
            final.AddRow(row.ToArray());
        }
        console.Write(final);
        if (draws is not null)
        {
            console.WriteLine(Markup.Escape($"{draws.Count:N0} draws, seed {draws.Seed} ({draws.Generator}; the same seed gives the same draws): " +
                $"chi-squared {Num(draws.ChiSquared)} on {draws.DegreesOfFreedom} degrees of freedom against the final distribution"));
            console.WriteLine(Markup.Escape("First draws: " + string.Join(" ", draws.Sequence.Select(Quote))));
        }
        console.WriteLine("Probabilities are renormalized over each stage's survivors; e^H is the number of equally likely tokens with the same entropy.");
        foreach (var e in report.Explanations)
            console.WriteLine(Markup.Escape($"• {e.Text}"));
        foreach (var note in report.Notes)
            console.WriteLine(Markup.Escape($"Note: {note}"));
    }

    private static void Rest(Table table, int others, double mass, int columns)
    {
        if (others <= 0)
            return;
        var row = new List<string> { $"({others:N0} others)", "", Pct(Math.Max(0, mass)) };
        while (row.Count < columns + 1)
            row.Add("");
        table.AddRow(row.ToArray());
    }

    /// <summary>A bar of block characters, eighths for the last cell, so small differences still show.</summary>
    internal static string Bar(double p)
    {
        int eighths = (int)Math.Round(Math.Clamp(p, 0, 1) * BarWidth * 8);
        string bar = new('█', eighths / 8);
        if (eighths % 8 > 0)
            bar += "▏▎▍▌▋▊▉"[eighths % 8 - 1];
        return bar;
    }

    private static string Quote(string token) => token.Length == 0 || token.Trim() != token ? $"'{token}'" : token;

    private static string Pct(double p) => (100 * p).ToString(p < 0.001 ? "0.0000" : "0.00", CultureInfo.InvariantCulture) + "%";

    private static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
}
