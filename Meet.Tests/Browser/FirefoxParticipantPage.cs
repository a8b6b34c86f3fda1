using System.Text.Json;
using System.Text.Json.Nodes;

namespace Meet.Tests.Browser;

// A Firefox participant: one tab in its own BiDi user context (separate storage) of the shared
// Firefox process.
internal sealed class FirefoxParticipantPage(WebDriverBidiConnection bidi, string userContext, string context, string baseUrl) : IParticipantPage
{
    public string Browser => "Firefox";

    public async Task GotoAsync(string path) =>
        await bidi.SendAsync("browsingContext.navigate", new { context, url = path.StartsWith('/') ? baseUrl + path : path, wait = "complete" });

    // The function's (awaited) result crosses as JSON text: one string remote value to decode,
    // whatever T is.
    public async Task<T> EvaluateAsync<T>(string script)
    {
        var result = await bidi.SendAsync("script.callFunction", new
        {
            functionDeclaration = $"async () => JSON.stringify(await ({script})())",
            awaitPromise = true,
            target = new { context },
        });
        if ((string?)result?["type"] == "exception")
            throw new InvalidOperationException($"Firefox: {script} threw {result["exceptionDetails"]?["text"]}");
        var json = result?["result"]?["value"]?.GetValue<string>();
        return json is null ? default! : JsonSerializer.Deserialize<T>(json)!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await bidi.SendAsync("browser.removeUserContext", new { userContext }, TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            // The browser is already gone (end of fixture).
        }
    }
}
