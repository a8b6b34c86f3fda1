using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Tests.Browser;

// Everything the browsers tell the server, as the server sees it: every HTTP request's target,
// headers and body (REST, page and asset loads, the hub's WebSocket upgrade with its token), and
// every hub invocation's arguments (SDP, ICE candidates, roster calls). E2eeCallTests searches it
// for the meeting key, which must stay in the page's URL fragment.
internal sealed class ServerInputRecorder : IHubFilter
{
    private readonly ConcurrentQueue<string> records = new();

    public static ServerInputRecorder AddTo(IServiceCollection services)
    {
        var recorder = new ServerInputRecorder();
        services.AddSingleton<IStartupFilter>(new RecordingStartup(recorder));
        services.Configure<HubOptions>(options => options.AddFilter(recorder));
        return recorder;
    }

    public IReadOnlyCollection<string> Records => records;

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        records.Enqueue($"hub {context.HubMethodName} {JsonSerializer.Serialize(context.HubMethodArguments)}");
        return await next(context);
    }

    private async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var text = new StringBuilder($"http {request.Method} {request.Path}{request.QueryString}");
        foreach (var (name, value) in request.Headers)
            text.Append($"\n{name}: {value}");
        if (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            request.EnableBuffering();
            using var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true);
            text.Append('\n').Append(await reader.ReadToEndAsync());
            request.Body.Position = 0;
        }
        records.Enqueue(text.ToString());
        await next(context);
    }

    private sealed class RecordingStartup(ServerInputRecorder recorder) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) => recorder.RecordAsync(context, nextMiddleware));
            next(app);
        };
    }
}
