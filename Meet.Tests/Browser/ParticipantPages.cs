using System.Text.Json;

namespace Meet.Tests.Browser;

// The web client's test hook (window.meet, ClientApp/src/meeting.ts) read through IParticipantPage,
// for tests that mix browsers. MeetPage does the same for Playwright-only tests.
internal static class ParticipantPages
{
    public static readonly TimeSpan MediaTimeout = TimeSpan.FromSeconds(30);

    // Opens the meeting link directly, as a pasted link does, with the name already stored (the page
    // would prompt for it otherwise). simulcast=false adds ?simulcast=0 (one encoding).
    public static async Task<string> JoinAsync(IParticipantPage page, string meetingId, string name, bool simulcast = true)
    {
        await page.GotoAsync("/");
        await page.EvaluateAsync<bool>($"() => {{ localStorage.setItem('meet.name', {JsonSerializer.Serialize(name)}); return true; }}");
        await page.GotoAsync($"/j/{meetingId}" + (simulcast ? "" : "?simulcast=0"));
        await WaitForStateAsync(page, "joined");
        return await page.EvaluateAsync<string>("() => window.meet.participantId");
    }

    public static async Task WaitForStateAsync(IParticipantPage page, params string[] states)
    {
        var deadline = DateTime.UtcNow + MediaTimeout;
        string? state = null;
        while (DateTime.UtcNow < deadline)
        {
            state = await page.EvaluateAsync<string?>("() => window.meet ? window.meet.state : null");
            if (state is not null && states.Contains(state))
                return;
            await Task.Delay(100);
        }
        Assert.Fail($"{page.Browser}: the page stayed in state '{state}' (wanted {string.Join(" or ", states)}): "
            + await page.EvaluateAsync<string>("() => document.body.innerText"));
    }

    public static async Task<IReadOnlyDictionary<string, MeetPage.RemoteStats>> StatsAsync(IParticipantPage page)
    {
        var text = await page.EvaluateAsync<string>("async () => JSON.stringify(window.meet ? await window.meet.stats() : {})");
        using var document = JsonDocument.Parse(text);
        var result = new Dictionary<string, MeetPage.RemoteStats>();
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var s = property.Value;
            result[property.Name] = new MeetPage.RemoteStats(s.GetProperty("framesDecoded").GetInt64(),
                s.GetProperty("videoPacketsReceived").GetInt64(), s.GetProperty("audioPacketsReceived").GetInt64());
        }
        return result;
    }

    // Every other participant's video is decoded (frames > 0) and audio received, and both keep
    // increasing over the next 1.5 s: media flows, not a single keyframe.
    public static async Task ExpectMediaFromAsync(IParticipantPage page, params string[] from)
    {
        var deadline = DateTime.UtcNow + MediaTimeout;
        IReadOnlyDictionary<string, MeetPage.RemoteStats> first = new Dictionary<string, MeetPage.RemoteStats>();
        while (DateTime.UtcNow < deadline)
        {
            first = await StatsAsync(page);
            if (from.All(id => first.TryGetValue(id, out var s) && s.FramesDecoded > 0 && s.AudioPacketsReceived > 0))
                break;
            await Task.Delay(100);
        }
        var seen = string.Join("; ", first.Select(p => $"{p.Key}={p.Value}"));
        foreach (var id in from)
        {
            first.Should().ContainKey(id, $"{page.Browser} receives from {id} (stats: {seen})");
            first[id].FramesDecoded.Should().BeGreaterThan(0, $"{page.Browser} decodes {id}'s video (stats: {seen})");
            first[id].AudioPacketsReceived.Should().BeGreaterThan(0, $"{page.Browser} receives {id}'s audio (stats: {seen})");
        }
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var later = await StatsAsync(page);
        foreach (var id in from)
        {
            later[id].FramesDecoded.Should().BeGreaterThan(first[id].FramesDecoded, $"{page.Browser} keeps decoding {id}'s video");
            later[id].AudioPacketsReceived.Should().BeGreaterThan(first[id].AudioPacketsReceived, $"{page.Browser} keeps receiving {id}'s audio");
        }
    }
}
