using Microsoft.AspNetCore.Http.Features;

namespace LlmSizer.Web.Hosting;

/// <summary>
/// Reads a request body with a cap: the declared length is checked before a byte is read, the server's own limit is raised only
/// to the cap (Kestrel stops a longer stream), and the buffer never grows past the cap — so a request cannot make the server
/// allocate more than the endpoint allows.
/// </summary>
internal static class RequestBody
{
    /// <summary>The cap for requests without a body of their own (every GET): 64 KiB.</summary>
    public const long DefaultMaxBytes = 64 << 10;

    public static async Task<byte[]> ReadAsync(HttpContext context, long maxBytes, params string[] mediaTypes)
    {
        CheckContentType(context, mediaTypes);
        AllowUpTo(context, maxBytes);
        using var buffer = new MemoryStream();
        var chunk = new byte[64 << 10];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                throw TooLarge(maxBytes);
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>Refuses a body declared larger than <paramref name="maxBytes"/>, and sets the server's limit to it.</summary>
    public static void AllowUpTo(HttpContext context, long maxBytes)
    {
        if (context.Request.ContentLength > maxBytes)
            throw TooLarge(maxBytes);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = maxBytes;
    }

    public static void CheckContentType(HttpContext context, string[] mediaTypes)
    {
        string? type = context.Request.ContentType?.Split(';')[0].Trim();
        if (type is null || !mediaTypes.Contains(type, StringComparer.OrdinalIgnoreCase))
            throw new ApiProblemException(ApiProblem.Of(415, $"content type '{type ?? "none"}': expected {string.Join(" or ", mediaTypes)}"));
    }

    private static ApiProblemException TooLarge(long maxBytes) =>
        new(ApiProblem.Of(413, $"request body: expected at most {maxBytes:N0} bytes ({maxBytes >> 20} MiB)"));
}
