using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Meet.Tests.Support;

// Headless Chromium in a fresh network namespace with only loopback (TESTING.md network rule), plus
// sockets this test process opens *inside* that namespace (via setns on a short-lived thread), so the
// test can serve Chromium a page on 127.0.0.1 and talk UDP with its ICE agent without any traffic
// leaving the namespace. The one harness for the protocol-level Chromium tests (DTLS, SDP, ICE, the
// media module); the Browser/ UI tests drive Chromium through Playwright instead (BrowserHarness).
// Unshare (not `ip netns` + veth) needs no named namespace to clean up and no addresses to pick.
internal sealed class NamespacedChromium : IDisposable
{
    public const int HttpPort = 8080;

    // Loopback is Chromium's only network here, so its candidates and checks come from this address.
    public static readonly IPAddress BrowserAddress = IPAddress.Loopback;

    private readonly Process _process;
    private readonly string _dir;
    private readonly StringBuilder _log = new();

    private NamespacedChromium(Process process, string dir)
    {
        _process = process;
        _dir = dir;
    }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    // Starts the namespace; Chromium itself waits until Launch() so the page's server can bind first.
    // The URL is read from the "go" file Launch() writes.
    public static async Task<NamespacedChromium> CreateAsync(TimeSpan timeout)
    {
        string dir = Directory.CreateTempSubdirectory("meet-chromium-").FullName;
        string command = $"ip link set lo up && touch {dir}/ready && while [ ! -e {dir}/go ]; do sleep 0.05; done && exec /usr/bin/chromium"
            + " --headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run"
            + " --disable-background-networking --disable-component-update --disable-sync"
            + " --use-fake-ui-for-media-stream --use-fake-device-for-media-stream --allow-loopback-in-peer-connection"
            // Host candidates as plain addresses, not mDNS names, also on pages that never ask for media.
            + " --disable-features=WebRtcHideLocalIpsWithMdns"
            + $" --user-data-dir={dir}/profile --enable-logging=stderr --v=0 \"$(cat {dir}/go)\"";
        var info = new ProcessStartInfo("unshare") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in new[] { "--net", "bash", "-c", command })
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        var chromium = new NamespacedChromium(process, dir);
        process.ErrorDataReceived += (_, e) => chromium.Append(e.Data);
        process.OutputDataReceived += (_, e) => chromium.Append(e.Data);
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow + timeout;
        while (!File.Exists(Path.Combine(dir, "ready")))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                chromium.Dispose();
                throw new InvalidOperationException("The network namespace did not come up: " + chromium.Log);
            }

            await Task.Delay(20);
        }

        return chromium;
    }

    public Socket OpenUdp(int port) => InNamespace(() =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        return socket;
    });

    public Socket OpenTcpListener(int port) => InNamespace(() =>
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        socket.Listen(16);
        return socket;
    });

    // Chromium opens the page the test serves on HttpPort.
    public void Launch() => Launch(new Uri($"http://127.0.0.1:{HttpPort}/"));

    // Chromium opens a local page whose body is the given script (run as an async function).
    public void Launch(string script)
    {
        string page = Path.Combine(_dir, "page.html");
        File.WriteAllText(page, $"<!doctype html><script>(async () => {{\n{script}\n}})();</script>");
        Launch(new Uri(page));
    }

    // Written then renamed: the shell polls for "go" and must never read it half-written.
    private void Launch(Uri page)
    {
        string go = Path.Combine(_dir, "go");
        File.WriteAllText(go + ".tmp", page.AbsoluteUri);
        File.Move(go + ".tmp", go);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    public T InNamespace<T>(Func<T> create)
    {
        T? result = default;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var ns = File.OpenHandle($"/proc/{_process.Id}/ns/net");
                if (Native.setns((int)ns.DangerousGetHandle(), Native.CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns failed: errno {Marshal.GetLastPInvokeError()}");
                }

                result = create();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        return failure is null ? result! : throw new InvalidOperationException("Could not open a socket in the namespace.", failure);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
