using System.Text.Json;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Reads the web client's test hook (window.meet, ClientApp/src/meeting.ts).
internal static class MeetPage
{
    // e2ee: create the meeting end-to-end encrypted (the landing page's option; the key lands in the URL fragment).
    public static async Task JoinFromLandingAsync(IPage page, string name, string? link, bool e2ee = false)
    {
        await page.GotoAsync("/");
        await page.FillAsync("#name", name);
        if (link is null)
        {
            if (e2ee)
                await page.CheckAsync("#e2ee");
            await page.ClickAsync("#create");
        }
        else
        {
            await page.FillAsync("#meeting", link);
            await page.ClickAsync("#join");
        }
        try
        {
            await page.WaitForURLAsync(url => url.Contains("/j/mtg-", StringComparison.Ordinal),
                new PageWaitForURLOptions { Timeout = (float)NavigationTimeout.TotalMilliseconds });
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"No meeting page {NavigationTimeout.TotalSeconds:F0} s after '{name}' clicked "
                + $"{(link is null ? "#create" : "#join")} (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}): {page.Url}: {await page.InnerTextAsync("body")}", e);
        }
    }

    // Creating a meeting is the fixture host's first database write and the page's first load of the
    // meeting bundle: cold paths that took over Playwright's default 30 s at load 20-60 on 2 cores.
    private static readonly TimeSpan NavigationTimeout = TimeSpan.FromSeconds(90);

    public static Task<string?> StateAsync(IPage page) =>
        page.EvaluateAsync<string?>("() => window.meet?.state ?? null");

    public static Task<string?> ParticipantIdAsync(IPage page) =>
        page.EvaluateAsync<string?>("() => window.meet?.participantId ?? null");

    public static async Task<string> WaitForStateAsync(IPage page, TimeSpan timeout, params string[] states)
    {
        var deadline = DateTime.UtcNow + timeout;
        string? state = null;
        while (DateTime.UtcNow < deadline)
        {
            state = await StateAsync(page);
            if (state is not null && states.Contains(state))
                return state;
            await Task.Delay(50);
        }
        throw new TimeoutException($"The page stayed in state '{state}' (wanted {string.Join(" or ", states)}): {await page.InnerTextAsync("body")}");
    }

    public static async Task<IReadOnlyDictionary<string, RemoteStats>> StatsAsync(IPage page)
    {
        var text = await page.EvaluateAsync<string>("async () => JSON.stringify(window.meet ? await window.meet.stats() : {})");
        using var document = JsonDocument.Parse(text);
        var json = document.RootElement;
        var result = new Dictionary<string, RemoteStats>();
        foreach (var property in json.EnumerateObject())
        {
            var s = property.Value;
            result[property.Name] = new RemoteStats(
                s.GetProperty("framesDecoded").GetInt64(),
                s.GetProperty("videoPacketsReceived").GetInt64(),
                s.GetProperty("audioPacketsReceived").GetInt64());
        }
        return result;
    }

    public sealed record RemoteStats(long FramesDecoded, long VideoPacketsReceived, long AudioPacketsReceived);
}
