namespace LlmSizer.Web.Tests.Browser;

/// <summary>The browser tests share one server and one chromium, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
