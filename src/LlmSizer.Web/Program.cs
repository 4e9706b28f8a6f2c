using LlmSizer.Web;

// Started on its own (tests, 'dotnet run --project src/LlmSizer.Web'); 'llmsizer serve' calls WebServer the same way.
WebServer.Build(args).Run();

/// <summary>The entry point, named for WebApplicationFactory in the HTTP tests.</summary>
public partial class Program;
