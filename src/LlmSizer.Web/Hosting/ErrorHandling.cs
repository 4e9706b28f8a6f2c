using System.Text.RegularExpressions;
using LlmSizer.Errors;

namespace LlmSizer.Web.Hosting;

/// <summary>
/// Turns every failure into a problem document: the library's usage errors are 400, unusable file content 422, ASP.NET Core's
/// own binding and size errors keep their status, anything else is a bare 500 "internal error" — never a stack trace.
/// </summary>
internal static partial class ErrorHandling
{
    public static async Task Middleware(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var problem = ProblemFor(e, context.Request.Query);
            if (problem.Status == 500)
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("LlmSizer.Web")
                    .LogError("internal error on {Path}: {Type}: {Message}", context.Request.Path, e.GetType().Name, e.Message);
            context.Response.Clear();
            SecurityHeaders.Apply(context);
            await problem.WriteAsync(context);
        }
    }

    public static ApiProblem ProblemFor(Exception e, IQueryCollection? query = null) => e switch
    {
        ApiProblemException p => p.Problem,
        HeaderIncompleteException h => ApiProblem.Of(422, h.Message) with { File = h.FileName, NeededBytes = h.NeededBytes },
        UsageException u => ApiProblem.Of(400, u.Message, u.Field) with { Suggestions = u.Suggestions.Count > 0 ? u.Suggestions : null },
        InputException i => ApiProblem.Of(422, i.Message),
        BadHttpRequestException b when BindingFailure.Match(b.Message) is { Success: true } m => BindingProblem(m, query),
        BadHttpRequestException b => ApiProblem.Of(b.StatusCode, b.StatusCode == 413 ? "the request body is larger than this endpoint accepts" : b.Message),
        _ => ApiProblem.Of(500, "internal error: the request could not be answered (the server log names the cause)"),
    };

    // ASP.NET Core's binding message names the C# type and property ("Failed to bind parameter "Nullable<int> Context" from
    // "abc"."); the problem names the query parameter as the user wrote it, and what it expects.
    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]+) (?<name>\w+)" from "(?<value>.*)"\.$""")]
    private static partial Regex BindingFailure { get; }

    private static ApiProblem BindingProblem(Match m, IQueryCollection? query)
    {
        string name = m.Groups["name"].Value;
        name = char.ToLowerInvariant(name[0]) + name[1..];
        if (query is not null && query.TryGetValue(name, out var values) && values.Count > 1)
            return ApiProblem.Of(400, $"parameter '{name}' is given {values.Count} times: give it once", name);
        string type = m.Groups["type"].Value;
        string expected = type.Contains("bool", StringComparison.OrdinalIgnoreCase) || type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
            : type.Contains("UInt64", StringComparison.Ordinal) || type.Contains("ulong", StringComparison.Ordinal) ? "a whole number from 0"
            : type.Contains("int", StringComparison.OrdinalIgnoreCase) ? "a whole number"
            : "a number such as 0.9";
        return ApiProblem.Of(400, $"{name} '{m.Groups["value"].Value}': expected {expected}", name);
    }
}
