using System.CommandLine;
using LlmSizer.Cli.Commands;
using LlmSizer.Errors;

namespace LlmSizer.Cli;

/// <summary>
/// The <c>llmsizer</c> command line: parses with System.CommandLine, runs one library call, renders the result.
/// Exit codes: 0 success, 2 usage errors, 1 bad input files or failures; errors are one line on stderr,
/// and with <c>--json</c> also <c>{"error": {...}}</c> on stdout.
/// </summary>
public static class CliApp
{
    public const int ExitOk = 0, ExitFailure = 1, ExitUsage = 2;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var output = new CliOutput(stdout, stderr, json: args.Contains("--json"));
        var root = new RootCommand("LlmSizer: what it takes to run or train an LLM — parameters, memory, hardware.")
        {
            ModelsCommand.Create(output),
            DevicesCommand.Create(output),
            InspectCommand.Create(output),
            EstimateCommand.Create(output),
            FitCommand.Create(output),
            CompareCommand.Create(output),
            ScanCommand.Create(output),
            TrainCommand.Create(output),
            SampleCommand.Create(output),
            ServeCommand.Create(output),
        };

        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
            return output.Fail(ExitUsage, "usage", string.Join("; ", parse.Errors.Select(e => e.Message)) + " (see --help)");
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            return output.Fail(ExitUsage, "usage", e.Message, e.Suggestions);
        }
        catch (InputException e)
        {
            return output.Fail(ExitFailure, "input", e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return output.Fail(ExitFailure, "io", e.Message);
        }
        catch (Exception e)
        {
            // A bug of ours still ends in one line, never a stack trace; the type names it for a report.
            return output.Fail(ExitFailure, "internal", $"internal error ({e.GetType().Name}): {e.Message}");
        }
    }
}
