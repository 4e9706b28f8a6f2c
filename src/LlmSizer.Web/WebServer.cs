using LlmSizer.Web.Hosting;

namespace LlmSizer.Web;

/// <summary>
/// The local web page and JSON API (<c>llmsizer serve</c>): an ASP.NET Core minimal API over the same library calls as the
/// CLI, bound to loopback unless told otherwise.
/// </summary>
public static class WebServer
{
    /// <summary>Where the server listens when no URL is given.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5125";

    /// <summary>Builds the app; <paramref name="args"/> are ASP.NET Core configuration arguments (<c>--urls</c>, <c>--LlmSizer:Hub=true</c>).</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
            builder.WebHost.UseUrls(DefaultUrl);
        var app = builder.Build();
        var assets = EmbeddedAssets.Load();
        app.Use((context, next) =>
        {
            SecurityHeaders.Apply(context);
            return next(context);
        });
        app.MapGet("/", (HttpContext context) => Serve(context, assets, "index.html"));
        app.MapGet("/assets/{**path}", (HttpContext context, string path) => Serve(context, assets, path));
        return app;
    }

    private static IResult Serve(HttpContext context, EmbeddedAssets assets, string path)
    {
        if (assets.Find(path) is not { } asset)
            return Results.NotFound();
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }
}
