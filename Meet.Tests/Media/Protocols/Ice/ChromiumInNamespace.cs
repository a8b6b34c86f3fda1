using System.Diagnostics;
using System.Net;

namespace Meet.Tests.Media.Protocols.Ice;

// Headless Chromium inside a network namespace created for one test, joined to the test's own
// namespace by a veth pair: HostAddress (10.213.x.1) here, BrowserAddress (10.213.x.2) there.
// Chromium sees a non-loopback address and no other network (TESTING.md "Network rule"), and
// everything it sends reaches only the test. Needs root for `ip netns`.
internal sealed class ChromiumInNamespace : IDisposable
{
    private const string Chromium = "/usr/bin/chromium";

    private readonly string _namespace;
    private readonly string _directory;
    private Process? _browser;

    public ChromiumInNamespace()
    {
        var suffix = Random.Shared.Next(0x1000, 0xFFFF).ToString("x4", System.Globalization.CultureInfo.InvariantCulture);
        var octet = Random.Shared.Next(1, 250);
        _namespace = $"meet-ice-{suffix}";
        _directory = Directory.CreateTempSubdirectory("meet-ice-").FullName;
        HostAddress = IPAddress.Parse($"10.213.{octet}.1");
        BrowserAddress = IPAddress.Parse($"10.213.{octet}.2");
        var hostLink = $"mi{suffix}h";
        var browserLink = $"mi{suffix}b";
        Run($"netns add {_namespace}");
        Run($"link add {hostLink} type veth peer name {browserLink}");
        Run($"link set {browserLink} netns {_namespace}");
        Run($"addr add {HostAddress}/30 dev {hostLink}");
        Run($"link set {hostLink} up");
        Run($"netns exec {_namespace} ip addr add {BrowserAddress}/30 dev {browserLink}");
        Run($"netns exec {_namespace} ip link set {browserLink} up");
        Run($"netns exec {_namespace} ip link set lo up");
    }

    public IPAddress HostAddress { get; }

    public IPAddress BrowserAddress { get; }

    // Opens a page whose body is the given script (run as an async function).
    public void Open(string script)
    {
        var page = Path.Combine(_directory, "page.html");
        File.WriteAllText(page, $"<!doctype html><script>(async () => {{\n{script}\n}})();</script>");
        string[] arguments =
        [
            "netns", "exec", _namespace, Chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            // Host candidates as plain addresses, not mDNS names: no multicast on the veth.
            "--disable-features=WebRtcHideLocalIpsWithMdns",
            $"--user-data-dir={Path.Combine(_directory, "profile")}", "--remote-debugging-port=0",
            new Uri(page).AbsoluteUri,
        ];
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        _browser = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        _browser.ErrorDataReceived += (_, _) => { };
        _browser.OutputDataReceived += (_, _) => { };
        _browser.BeginErrorReadLine();
        _browser.BeginOutputReadLine();
    }

    public void Dispose()
    {
        if (_browser is { HasExited: false })
            _browser.Kill(entireProcessTree: true);
        _browser?.WaitForExit(5000);
        _browser?.Dispose();
        Run($"netns del {_namespace}", check: false);
        Directory.Delete(_directory, recursive: true);
    }

    private static void Run(string arguments, bool check = true)
    {
        var start = new ProcessStartInfo("ip", arguments) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"ip {arguments} failed: {error}");
    }
}
