using LlmSizer.Errors;
using LlmSizer.Serialization;
using LlmSizer.Web.Api;
using LlmSizer.Web.Hosting;
using LlmSizer.Web.Serialization;

namespace LlmSizer.Web;

/// <summary>
/// The local web page and JSON API (<c>llmsizer serve</c>): an ASP.NET Core minimal API over the same library calls as the
/// CLI, bound to loopback unless told otherwise. Configuration keys: <c>urls</c>, <c>LlmSizer:Hub</c> (allow
/// <c>hf:</c> models, read from <c>HF_ENDPOINT</c> only), <c>LlmSizer:AllowRemote</c> (allow a non-loopback address).
/// </summary>
public static class WebServer
{
    /// <summary>Where the server listens when no URL is given.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5125";

    /// <summary>Builds the app; <paramref name="args"/> are ASP.NET Core configuration arguments (<c>--urls=…</c>, <c>--LlmSizer:Hub=true</c>).</summary>
    /// <exception cref="UsageException">A URL that is not loopback without <c>LlmSizer:AllowRemote</c>, or one that cannot be parsed.</exception>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        string urls = builder.Configuration["urls"] is { Length: > 0 } given ? given : DefaultUrl;
        bool allowRemote = builder.Configuration.GetValue("LlmSizer:AllowRemote", false);
        bool loopbackOnly = CheckUrls(urls, allowRemote);
        builder.WebHost.UseUrls(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = RequestBody.DefaultMaxBytes;
            kestrel.Limits.MaxRequestLineSize = 8 << 10;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 << 10;
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // A value that does not bind (context=abc) must reach ErrorHandling as an exception, in production as in tests.
        builder.Services.Configure<RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(1, ReportJsonContext.Default);
            json.SerializerOptions.TypeInfoResolverChain.Insert(2, OpenApiJsonContext.Default);
        });
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "LlmSizer";
            document.Info.Description = "What it takes to run or train an LLM: the JSON shapes of the llmsizer CLI's --json, over HTTP.";
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        var guard = new RequestGuard(loopbackOnly);
        app.Use(ErrorHandling.Middleware);
        app.Use(guard.Middleware);

        var uploads = new UploadStore();
        var models = new ModelResolver(uploads, builder.Configuration.GetValue("LlmSizer:Hub", false));
        ApiEndpoints.Map(app, models, uploads);
        app.MapOpenApi();

        var assets = EmbeddedAssets.Load();
        app.MapGet("/", (HttpContext context) => Serve(context, assets, "index.html")).ExcludeFromDescription();
        app.MapGet("/assets/{**path}", (HttpContext context, string path) => Serve(context, assets, path)).ExcludeFromDescription();
        return app;
    }

    /// <summary>True when every URL is loopback; a non-loopback URL is an error unless <paramref name="allowRemote"/>.</summary>
    public static bool CheckUrls(string urls, bool allowRemote)
    {
        bool loopback = true;
        foreach (string url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel's wildcard forms (http://*:5000, http://+:5000) are not URIs; they bind every address.
            string host = Uri.TryCreate(url.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var uri)
                && uri.Scheme is "http" or "https"
                ? uri.Host
                : throw new UsageException($"--urls '{url}': expected http://HOST:PORT such as {DefaultUrl}");
            if (!RequestGuard.IsLoopbackHost(host))
                loopback = allowRemote ? false
                    : throw new UsageException($"--urls '{url}' is not a loopback address: anyone who can reach it could use this server; add --allow-remote to bind it anyway");
        }
        return loopback;
    }

    private static IResult Serve(HttpContext context, EmbeddedAssets assets, string path)
    {
        if (assets.Find(path) is not { } asset)
            return ApiProblem.Of(404, $"no page asset '{path}'").ToResult();
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }
}
