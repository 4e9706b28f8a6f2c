using System.Collections.Concurrent;
using LlmSizer.Formats.HuggingFace;
using Spectre.Console;

namespace LlmSizer.Cli.Rendering;

/// <summary>
/// Shows Hub downloads (config.json, header bytes per file) as a Spectre.Console progress display on stderr,
/// only when stderr is a terminal, so stdout (tables or JSON) stays clean.
/// </summary>
internal static class HubProgressDisplay
{
    public static T Run<T>(Func<IProgress<HubTransfer>?, T> work)
    {
        if (Console.IsErrorRedirected)
            return work(null);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .Columns(new SpinnerColumn(), new TaskDescriptionColumn { Alignment = Justify.Left })
            .Start(ctx =>
            {
                var tasks = new ConcurrentDictionary<string, ProgressTask>();
                var progress = new Callback(t =>
                {
                    var task = tasks.GetOrAdd(t.File, f => ctx.AddTask(Markup.Escape(f)).IsIndeterminate());
                    task.Description = Markup.Escape($"{t.File}: {t.Bytes / 1024.0:0.0} KiB read");
                });
                result = work(progress);
            });
        return result;
    }

    private sealed class Callback(Action<HubTransfer> report) : IProgress<HubTransfer>
    {
        public void Report(HubTransfer value) => report(value);
    }
}
