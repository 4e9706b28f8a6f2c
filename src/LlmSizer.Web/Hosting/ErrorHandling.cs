using LlmSizer.Errors;

namespace LlmSizer.Web.Hosting;

/// <summary>
/// Turns every failure into a problem document: the library's usage errors are 400, unusable file content 422, ASP.NET Core's
/// own binding and size errors keep their status, anything else is a bare 500 "internal error" — never a stack trace.
/// </summary>
internal static class ErrorHandling
{
    public static async Task Middleware(HttpContext context, RequestDelegate next)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var problem = ProblemFor(e);
            if (problem.Status == 500)
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("LlmSizer.Web")
                    .LogError("internal error on {Path}: {Type}: {Message}", context.Request.Path, e.GetType().Name, e.Message);
            context.Response.Clear();
            SecurityHeaders.Apply(context);
            await problem.WriteAsync(context);
        }
    }

    public static ApiProblem ProblemFor(Exception e) => e switch
    {
        ApiProblemException p => p.Problem,
        HeaderIncompleteException h => ApiProblem.Of(422, h.Message) with { File = h.FileName, NeededBytes = h.NeededBytes },
        UsageException u => ApiProblem.Of(400, u.Message) with { Suggestions = u.Suggestions.Count > 0 ? u.Suggestions : null },
        InputException i => ApiProblem.Of(422, i.Message),
        BadHttpRequestException b => ApiProblem.Of(b.StatusCode, BindingMessage(b)),
        _ => ApiProblem.Of(500, "internal error: the request could not be answered (the server log names the cause)"),
    };

    // ASP.NET Core's binding messages name the parameter and the value ("Failed to bind parameter \"int? context\" from \"abc\".").
    private static string BindingMessage(BadHttpRequestException e) => e.StatusCode == 413
        ? "the request body is larger than this endpoint accepts"
        : e.Message;
}
