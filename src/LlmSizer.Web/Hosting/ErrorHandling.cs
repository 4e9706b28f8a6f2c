using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
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
            // The Request Delegate Generator answers a query value that does not parse into an [AsParameters] property
            // (context=abc) with a bare 400 instead of throwing as ThrowOnBadRequest asks: name the parameter here.
            if (context.Response is { StatusCode: 400, HasStarted: false } && UnparsedParameter(context) is { } unparsed)
                await unparsed.WriteAsync(context);
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

    private static ApiProblem BindingProblem(Match m, IQueryCollection? query) =>
        BindingProblem(m.Groups["type"].Value, m.Groups["name"].Value, m.Groups["value"].Value, query);

    /// <summary>The problem for the first query value the endpoint's parameters (as the generator describes them) cannot parse.</summary>
    private static ApiProblem? UnparsedParameter(HttpContext context)
    {
        var query = context.Request.Query;
        foreach (var parameter in context.GetEndpoint()?.Metadata.GetOrderedMetadata<IParameterBindingMetadata>() ?? [])
        {
            var type = Nullable.GetUnderlyingType(parameter.ParameterInfo.ParameterType) ?? parameter.ParameterInfo.ParameterType;
            if (type.IsArray || type == typeof(string))
                continue; // text always binds, and a list (device=…&device=…) takes repeats
            if (query.TryGetValue(parameter.Name, out var values) && (values.Count > 1 || !Parses(type, values.ToString())))
                return BindingProblem(type.Name, parameter.Name, values.ToString(), query);
        }
        return null;
    }

    private static bool Parses(Type type, string value) => type switch
    {
        _ when type == typeof(bool) => bool.TryParse(value, out _),
        _ when type == typeof(int) => int.TryParse(value, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(long) => long.TryParse(value, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(ulong) => ulong.TryParse(value, CultureInfo.InvariantCulture, out _),
        _ when type == typeof(double) => double.TryParse(value, CultureInfo.InvariantCulture, out _),
        _ => true,
    };

    private static ApiProblem BindingProblem(string type, string name, string value, IQueryCollection? query)
    {
        name = char.ToLowerInvariant(name[0]) + name[1..];
        if (query is not null && query.TryGetValue(name, out var values) && values.Count > 1)
            return ApiProblem.Of(400, $"parameter '{name}' is given {values.Count} times: give it once", name);
        string expected = type.Contains("bool", StringComparison.OrdinalIgnoreCase) || type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
            : type.Contains("UInt64", StringComparison.Ordinal) || type.Contains("ulong", StringComparison.Ordinal) ? "a whole number from 0"
            : type.Contains("int", StringComparison.OrdinalIgnoreCase) ? "a whole number"
            : "a number such as 0.9";
        return ApiProblem.Of(400, $"{name} '{value}': expected {expected}", name);
    }
}
