using System.Net.Http.Json;
using System.Text.Json;
using Meet.Modules.Storage;
using Meet.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// The real host (SQLite, in this process, 127.0.0.1:0) plus Debian's headless Chromium driven by
// Playwright, both inside the loopback-only namespace. Each participant gets its own browser
// context: separate storage, fake devices and PeerConnections, one Chromium process for all.
internal sealed class BrowserHarness : IAsyncDisposable
{
    private const string ChromiumPath = "/usr/bin/chromium";

    // TESTING.md: the flags that make WebRTC media flow on loopback, plus autoplay with sound.
    private static readonly string[] MediaFlags =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--use-fake-device-for-media-stream", "--allow-loopback-in-peer-connection",
        "--autoplay-policy=no-user-gesture-required",
    ];

    private readonly IPlaywright playwright;
    private readonly List<IBrowser> browsers = [];

    private BrowserHarness(MeetTestHost host, IPlaywright playwright)
    {
        Host = host;
        this.playwright = playwright;
    }

    public MeetTestHost Host { get; }

    public string BaseUrl => Host.BaseAddress.ToString().TrimEnd('/');

    // services: replaces or adds host services (e.g. a recorder of what reaches the server).
    public static async Task<BrowserHarness> StartAsync(IReadOnlyDictionary<string, string>? settings = null, Action<IServiceCollection>? services = null)
    {
        LoopbackOnlyNetwork.Require();
        var all = new Dictionary<string, string> { ["Media:UdpPort"] = "0" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            all[key] = value;
        var host = await MeetTestHost.StartAsync(StorageProvider.Sqlite, settings: all, services: services);
        try
        {
            return new BrowserHarness(host, await Playwright.CreateAsync());
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    // fakeUi: Chromium grants camera and microphone without a prompt; without it (and without the
    // context permission) getUserMedia is refused as when a user clicks "Block".
    // extraArgs: e.g. --use-file-for-fake-audio-capture=<wav>, which is per browser process.
    public async Task<IBrowser> LaunchAsync(bool fakeUi = true, params string[] extraArgs)
    {
        string[] args = [.. fakeUi ? [.. MediaFlags, "--use-fake-ui-for-media-stream"] : MediaFlags, .. extraArgs];
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = args,
        });
        browsers.Add(browser);
        return browser;
    }

    public async Task<IPage> NewParticipantAsync(IBrowser browser, bool grantMedia = true)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            Permissions = grantMedia ? ["camera", "microphone"] : [],
            ViewportSize = new ViewportSize { Width = 1280, Height = 720 },
        });
        return await context.NewPageAsync();
    }

    public async Task<(string MeetingId, string HostToken, string JoinUrl)> CreateMeetingAsync()
    {
        using var response = await Host.Client.PostAsync("/v1/meetings", JsonContent(new { hostId = "host", meetingTitle = "Browser test", allowGuestJoin = true }));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("meetingId").GetString()!, body.GetProperty("accessToken").GetString()!, body.GetProperty("joinUrl").GetString()!);
    }

    public async Task EndMeetingAsync(string meetingId, string hostToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/meetings/{meetingId}/end");
        request.Headers.Authorization = new("Bearer", hostToken);
        using var response = await Host.Client.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var browser in browsers)
        {
            try
            {
                await browser.CloseAsync();
            }
            catch (PlaywrightException)
            {
                // A test crashed this browser on purpose.
            }
        }
        playwright.Dispose();
        await Host.DisposeAsync();
    }

    private static StringContent JsonContent(object value) =>
        new(JsonSerializer.Serialize(value), System.Text.Encoding.UTF8, "application/json");
}
