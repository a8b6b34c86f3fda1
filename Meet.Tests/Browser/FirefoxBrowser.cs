using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Meet.Tests.Browser;

// Debian's firefox-esr, headless, driven over WebDriver BiDi (WebDriverBidiConnection; no browser
// download) inside the same loopback-only namespace as Chromium. One process per fixture, one BiDi
// user context (separate storage) per participant.
internal sealed partial class FirefoxBrowser : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/firefox-esr";

    // shared/TESTING.md: without the first three Firefox asks for the camera, has no fake devices and
    // gathers no usable loopback candidate. Autoplay is allowed so remote <audio>/<video> play
    // unattended; the rest keeps a fresh profile from phoning home or showing first-run pages.
    private static readonly string[] Prefs =
    [
        "\"media.navigator.streams.fake\", true",
        "\"media.navigator.permission.disabled\", true",
        "\"media.peerconnection.ice.loopback\", true",
        // Host candidates as plain 127.0.0.1 rather than mDNS names the ICE-lite server cannot use.
        "\"media.peerconnection.ice.obfuscate_host_addresses\", false",
        "\"media.autoplay.default\", 0",
        "\"media.autoplay.blocking_policy\", 0",
        "\"browser.shell.checkDefaultBrowser\", false",
        "\"browser.startup.homepage_override.mstone\", \"ignore\"",
        "\"browser.aboutwelcome.enabled\", false",
        "\"datareporting.policy.dataSubmissionEnabled\", false",
        "\"toolkit.telemetry.reportingpolicy.firstRun\", false",
        "\"app.update.disabledForTesting\", true",
        "\"remote.prefs.recommended\", true",
    ];

    private readonly Process process;
    private readonly string profile;
    private readonly string baseUrl;

    private FirefoxBrowser(Process process, string profile, WebDriverBidiConnection bidi, string baseUrl)
    {
        this.process = process;
        this.profile = profile;
        Bidi = bidi;
        this.baseUrl = baseUrl;
    }

    public WebDriverBidiConnection Bidi { get; }

    public static async Task<FirefoxBrowser> LaunchAsync(string baseUrl)
    {
        LoopbackOnlyNetwork.Require();
        if (!File.Exists(ExecutablePath))
            Assert.Fail($"{ExecutablePath} is missing: ./test.sh installs Debian's firefox-esr (apt-get install firefox-esr).");
        await EnsureDefaultRouteOnLoopbackAsync();
        var profile = Directory.CreateTempSubdirectory("meet-firefox-").FullName;
        await File.WriteAllLinesAsync(Path.Combine(profile, "user.js"), Prefs.Select(p => $"user_pref({p});"));
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port=0", "about:blank" })
            start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        var endpoint = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new StringBuilder();
        void OnLine(object _, DataReceivedEventArgs e)
        {
            if (e.Data is null)
                return;
            lock (output)
                output.AppendLine(e.Data);
            // Firefox prints "WebDriver BiDi listening on ws://127.0.0.1:<port>" once the agent is up.
            if (ListeningLine().Match(e.Data) is { Success: true } match)
                endpoint.TrySetResult(new Uri(match.Groups[1].Value + "/session"));
        }
        process.ErrorDataReceived += OnLine;
        process.OutputDataReceived += OnLine;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var uri = await endpoint.Task.WaitAsync(TimeSpan.FromSeconds(60));
            var bidi = await WebDriverBidiConnection.ConnectAsync(uri, TimeSpan.FromSeconds(20));
            await bidi.SendAsync("session.new", new { capabilities = new { } });
            return new FirefoxBrowser(process, profile, bidi, baseUrl);
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or System.Net.WebSockets.WebSocketException)
        {
            process.Kill(entireProcessTree: true);
            string log;
            lock (output)
                log = output.ToString();
            throw new InvalidOperationException($"Firefox did not start WebDriver BiDi: {ex.Message}\n{log}", ex);
        }
    }

    // Firefox finds its "default address" by routing towards a public address; in a namespace with
    // no default route it gathers no candidate at all ("failed to find default addresses", nICEr).
    // A default route through lo with source 127.0.0.1 makes that address 127.0.0.1; nothing can
    // leave the namespace, which has no other interface. test.sh sets it for the whole browser run.
    private static async Task EnsureDefaultRouteOnLoopbackAsync()
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "route", "replace", "default", "dev", "lo", "src", "127.0.0.1" })
            start.ArgumentList.Add(arg);
        using var ip = Process.Start(start)!;
        var error = await ip.StandardError.ReadToEndAsync();
        await ip.WaitForExitAsync();
        if (ip.ExitCode != 0)
            Assert.Fail($"Could not add a default route through lo in the test namespace ({error.Trim()}); run as root inside unshare --net.");
    }

    public async Task<FirefoxParticipantPage> NewParticipantAsync()
    {
        var userContext = (string)(await Bidi.SendAsync("browser.createUserContext", new { }))!["userContext"]!;
        // A window of its own, not a tab: a background tab's page is hidden (document.visibilityState), and
        // the web client then reports its tiles hidden, so the SFU rightly sends it no video (issue 11).
        var context = (string)(await Bidi.SendAsync("browsingContext.create", new { type = "window", userContext }))!["context"]!;
        return new FirefoxParticipantPage(Bidi, userContext, context, baseUrl);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Bidi.SendAsync("browser.close", new { }, TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is TimeoutException or InvalidOperationException)
        {
            // Killed below.
        }
        await Bidi.DisposeAsync();
        if (!process.WaitForExit(5000))
            process.Kill(entireProcessTree: true);
        process.Dispose();
        try
        {
            Directory.Delete(profile, recursive: true);
        }
        catch (IOException)
        {
            // A straggling child still writes the profile; it is a temp folder.
        }
    }

    [GeneratedRegex(@"WebDriver BiDi listening on (ws://\S+)")]
    private static partial Regex ListeningLine();
}
