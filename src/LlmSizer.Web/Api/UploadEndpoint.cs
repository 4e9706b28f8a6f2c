using System.Globalization;
using LlmSizer.Errors;
using LlmSizer.Formats.Uploads;
using LlmSizer.Reports;
using LlmSizer.Web.Hosting;
using LlmSizer.Web.Serialization;
using Microsoft.AspNetCore.Http.Features;

namespace LlmSizer.Web.Api;

/// <summary>
/// <c>POST /api/uploads</c>: the header bytes of dropped files (never whole weight files), read into a model that later
/// requests name by its <c>upload:</c> id. A header that continues past the bytes sent is a 422 saying how many to send.
/// </summary>
internal static class UploadEndpoint
{
    /// <summary>All parts together: a 262,144-token vocabulary's GGUF header is about 7 MB; safetensors headers are smaller.</summary>
    public const long MaxBodyBytes = UploadLimits.MaxTotalPrefixBytes;

    public const int MaxFiles = UploadLimits.MaxFiles;

    public static void Map(RouteGroupBuilder api, UploadStore uploads)
    {
        // The CancellationToken is a second parameter on purpose: with the Request Delegate Generator (ASP.NET Core 10.0), a
        // handler whose only parameter is HttpContext answered 200 with an empty body, its returned result never written.
        api.MapPost("/uploads", async (HttpContext context, CancellationToken aborted) =>
            {
                RequestBody.CheckContentType(context, ["multipart/form-data"]);
                RequestBody.AllowUpTo(context, MaxBodyBytes + (64 << 10));
                var form = await context.Request.ReadFormAsync(new FormOptions
                {
                    MultipartBodyLengthLimit = MaxBodyBytes,
                    ValueCountLimit = MaxFiles + 1,
                    ValueLengthLimit = 16 << 10,
                    MultipartHeadersCountLimit = 8,
                }, aborted);
                var files = form.Files.GetFiles("file");
                if (files.Count == 0)
                    throw new UsageException("file: expected one or more parts named 'file' holding the first bytes of each dropped file");
                if (files.Count > MaxFiles)
                    throw new UsageException($"file: {files.Count} parts; expected at most {MaxFiles}");
                var lengths = Lengths(form["lengths"].ToString(), files.Count);
                var headers = new List<HeaderUpload>(files.Count);
                for (int i = 0; i < files.Count; i++)
                {
                    var prefix = new byte[files[i].Length];
                    await using (var stream = files[i].OpenReadStream())
                        await stream.ReadExactlyAsync(prefix, aborted);
                    headers.Add(new HeaderUpload(files[i].FileName, lengths[i], prefix));
                }
                string id = UploadedModel.UploadId(headers);
                var source = uploads.Find(id) ?? UploadedModel.Open(headers);
                uploads.Add(id, source);
                return Results.Json(new UploadResult(id, InspectReport.Build(source)), WebJson.Web.UploadResult);
            })
            .AddEndpointFilter(QueryCheck.Allow([]))
            .Produces<UploadResult>()
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422)
            .WithSummary("Reads a model from the header bytes of dropped files (parts 'file', field 'lengths'); later requests name it by the returned id")
            .DisableAntiforgery();
    }

    private static long[] Lengths(string text, int count)
    {
        var parts = text.Length == 0 ? [] : text.Split(',');
        if (parts.Length != count)
            throw new UsageException($"lengths '{Shorten(text)}': expected {count} comma-separated file sizes in bytes, one per 'file' part, found {parts.Length}");
        var lengths = new long[count];
        for (int i = 0; i < count; i++)
            if (!long.TryParse(parts[i].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out lengths[i]))
                throw new UsageException($"lengths: entry {i + 1} '{Shorten(parts[i])}': expected a file size in bytes");
        return lengths;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

/// <summary>What <c>POST /api/uploads</c> answers: the id to pass as <c>model</c>, and the model's inspection.</summary>
public sealed record UploadResult(string Model, InspectReport Report);
