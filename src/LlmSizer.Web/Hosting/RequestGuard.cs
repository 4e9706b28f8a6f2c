using System.Net;

namespace LlmSizer.Web.Hosting;

/// <summary>
/// Checks every request before it reaches an endpoint. On a loopback-only server the Host header must name loopback, so a
/// web page elsewhere cannot reach this server through DNS rebinding; a request carrying an Origin other than this server's
/// own is refused, so another site cannot post to it from a user's browser.
/// </summary>
internal sealed class RequestGuard(bool loopbackOnly)
{
    public async Task Middleware(HttpContext context, RequestDelegate next)
    {
        SecurityHeaders.Apply(context);
        context.Response.Headers.CacheControl = "no-store";
        if (loopbackOnly && !IsLoopbackHost(context.Request.Host.Host))
        {
            await ApiProblem.Of(400, $"host '{context.Request.Host.Host}': this server answers only requests addressed to localhost, 127.0.0.1 or [::1]").WriteAsync(context);
            return;
        }
        if (context.Request.Headers.Origin is [{ } origin] && !SameOrigin(origin, context.Request))
        {
            await ApiProblem.Of(403, $"origin '{origin}': only pages served by this server may call it").WriteAsync(context);
            return;
        }
        await next(context);
    }

    public static bool IsLoopbackHost(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static bool SameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.Scheme == request.Scheme
        && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
}
