using System.Text.Json;
using LlmSizer.Web.Serialization;

namespace LlmSizer.Web.Hosting;

/// <summary>
/// An RFC 9457 problem document, as every failed API call answers (<c>application/problem+json</c>): a status, a short title,
/// a detail that names the parameter, file or offset and what was expected, and optional extensions.
/// </summary>
/// <param name="Field">The query parameter or form field at fault, when one is.</param>
/// <param name="Suggestions">Catalog ids close to an unknown model name.</param>
/// <param name="File">The uploaded file whose header continues past the bytes sent.</param>
/// <param name="NeededBytes">How many bytes of <paramref name="File"/> to send next time.</param>
public sealed record ApiProblem(
    string Type,
    string Title,
    int Status,
    string Detail,
    string? Field = null,
    IReadOnlyList<string>? Suggestions = null,
    string? File = null,
    long? NeededBytes = null)
{
    public const string ContentType = "application/problem+json";

    public static ApiProblem Of(int status, string detail, string? field = null) => new(TypeFor(status), TitleFor(status), status, detail, field);

    /// <summary>Writes the problem as the response; the response must not have started.</summary>
    public Task WriteAsync(HttpContext context)
    {
        context.Response.StatusCode = Status;
        context.Response.ContentType = ContentType;
        return JsonSerializer.SerializeAsync(context.Response.Body, this, WebJsonContext.Default.ApiProblem, context.RequestAborted);
    }

    /// <summary>The problem as an endpoint result.</summary>
    public IResult ToResult() => Results.Json(this, WebJsonContext.Default.ApiProblem, ContentType, Status);

    private static string TypeFor(int status) => status switch
    {
        400 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1",
        403 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4",
        404 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5",
        405 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.6",
        413 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14",
        415 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16",
        422 => "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.21",
        _ => "https://www.rfc-editor.org/rfc/rfc9110#section-15.6.1",
    };

    private static string TitleFor(int status) => status switch
    {
        400 => "Bad request",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        413 => "Request body too large",
        415 => "Unsupported media type",
        422 => "Unusable file content",
        _ => "Internal error",
    };
}
