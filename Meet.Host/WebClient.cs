using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

// Serves the web client (ClientApp, built into wwwroot by Meet.Host.csproj): hashed assets with a
// long cache lifetime, and the one index.html for "/" and "/j/{meetingId}" so join links open the
// meeting page. wwwroot sits beside the assembly (it is copied like appsettings.json) because the
// content root of `dotnet run --project Meet.Host` is the repository root.
internal static class WebClient
{
    private const string IndexFile = "index.html";

    public static WebApplication MapWebClient(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root))
        {
            app.MapGet("/", () => Results.Problem("The web client was not built (ClientApp: npm ci && npm run build).", statusCode: 503))
                .ExcludeFromDescription();
            return app;
        }

        var files = new PhysicalFileProvider(root);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                // Vite names assets by content hash, so they never change under the same URL.
                if (context.Context.Request.Path.StartsWithSegments("/assets"))
                    context.Context.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
            },
        });

        var index = files.GetFileInfo(IndexFile);
        IResult ServeIndex(HttpContext context)
        {
            context.Response.Headers.CacheControl = "no-cache";
            return Results.File(index.PhysicalPath!, "text/html; charset=utf-8");
        }

        app.MapGet("/", ServeIndex).ExcludeFromDescription();
        app.MapGet("/j/{meetingId}", (HttpContext context, string meetingId) => ServeIndex(context)).ExcludeFromDescription();
        return app;
    }
}
