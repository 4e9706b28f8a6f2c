namespace LlmSizer.Web.Api;

// The other endpoints bind the library's request records (LlmSizer.Requests) directly; FitRequest nests its inference
// settings, which a query string cannot, so its hardware side is bound here and the record assembled by the endpoint.

/// <summary><c>GET /api/fit</c>: the hardware side of the CLI's <c>fit</c>.</summary>
public sealed class FitQuery
{
    public string? Device { get; set; }
    public int? Count { get; set; }
    public string? Ram { get; set; }
    public string? Storage { get; set; }
    public string? Cpu { get; set; }
    public string? Margin { get; set; }
    public bool? Tiers { get; set; }
}
