using System.Text.Json.Serialization.Metadata;
using LlmSizer.Cli.Rendering;
using LlmSizer.Reports;
using LlmSizer.Serialization;
using Spectre.Console;

namespace LlmSizer.Cli;

/// <summary>Where a command writes, and whether it writes JSON.</summary>
public sealed class CliOutput(TextWriter stdout, TextWriter stderr, bool json)
{
    public TextWriter Out { get; } = stdout;

    public TextWriter Error { get; } = stderr;

    public bool Json { get; } = json;

    /// <summary>Prints <paramref name="report"/> as JSON with --json, else renders it for people; returns exit code 0.</summary>
    public int Emit<T>(T report, Func<ReportJsonContext, JsonTypeInfo<T>> type, Action<T, IAnsiConsole> render)
    {
        if (Json)
            Out.WriteLine(ReportJson.Serialize(report, type));
        else
            render(report, Terminal.For(Out));
        return CliApp.ExitOk;
    }

    public int Fail(int exitCode, string code, string message, IReadOnlyList<string>? suggestions = null)
    {
        Error.WriteLine($"llmsizer: {message}");
        if (Json)
            Out.WriteLine(ReportJson.Serialize(
                new ErrorDocument(new ErrorInfo(code, message, suggestions is { Count: > 0 } ? suggestions : null)),
                c => c.ErrorDocument));
        return exitCode;
    }
}
