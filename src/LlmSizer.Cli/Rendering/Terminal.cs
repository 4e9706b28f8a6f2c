using Spectre.Console;

namespace LlmSizer.Cli.Rendering;

/// <summary>Creates a Spectre.Console console over a writer: colours on a real terminal, plain text elsewhere (pipes, tests).</summary>
internal static class Terminal
{
    public static IAnsiConsole For(TextWriter writer)
    {
        bool interactive = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!interactive)
            console.Profile.Width = 140;
        return console;
    }
}
