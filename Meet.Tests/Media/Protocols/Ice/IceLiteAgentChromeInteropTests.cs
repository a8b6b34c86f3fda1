using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Meet.Modules.Media.Protocols.Ice;
using Meet.PacketEngine;

namespace Meet.Tests.Media.Protocols.Ice;

// A real Chromium against the ICE-lite agent. Chromium runs in a network namespace this test
// creates, joined to the test by a veth pair (10.213.x.1 here, 10.213.x.2 there), so it has a
// non-loopback address to use and no other network (TESTING.md "Network rule"). The page offers a
// data channel and takes an ice-lite answer carrying our credentials and one host candidate.
// Chromium's ICE counts as connected when it starts DTLS: the answer says setup:passive, so a
// ClientHello arriving on our socket proves its checks, our responses and its nomination agreed.
[Category("Browser")]
[NonParallelizable]
public class IceLiteAgentChromeInteropTests
{
    private const string Chromium = "/usr/bin/chromium";

    private string _namespace = "";
    private string _directory = "";
    private Process? _browser;

    [SetUp]
    public void SetUp()
    {
        var suffix = Random.Shared.Next(0x1000, 0xFFFF).ToString("x4", System.Globalization.CultureInfo.InvariantCulture);
        _namespace = $"meet-ice-{suffix}";
        _directory = Directory.CreateTempSubdirectory("meet-ice-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        if (_browser is { HasExited: false })
            _browser.Kill(entireProcessTree: true);
        _browser?.Dispose();
        Run("ip", $"netns del {_namespace}", check: false);
        Directory.Delete(_directory, recursive: true);
    }

    [Test]
    public async Task Chromium_connects_through_the_ice_lite_agent()
    {
        var (socket, agent, answerCredentials, browserAddress) = Prepare(wrongPassword: false);
        using var disposeSocket = socket;
        StartChromium(answerCredentials, socket);

        var dtlsFrom = await Serve(socket, agent, stop: (agent, dtls) => !dtls.IsEmpty);

        agent.TryGetSelectedPath(out var path).Should().BeTrue();
        path.ToEndPoint().Address.Should().Be(browserAddress);
        dtlsFrom.Should().Be(path);
        agent.Counters.Unauthorized.Should().Be(0);
        agent.Counters.BadRequests.Should().Be(0);
        agent.Counters.Nominations.Should().BeGreaterThanOrEqualTo(1);
    }

    [Test]
    public async Task Chromium_with_the_wrong_password_is_refused_and_never_connects()
    {
        var (socket, agent, answerCredentials, _) = Prepare(wrongPassword: true);
        using var disposeSocket = socket;
        StartChromium(answerCredentials, socket);

        // Chromium retransmits its check; after three 401s it has had every chance to succeed.
        await Serve(socket, agent, stop: (agent, _) => agent.Counters.Unauthorized >= 3);

        agent.State.Should().Be(IceConnectionState.New);
        agent.TryGetSelectedPath(out _).Should().BeFalse();
        agent.Counters.ChecksAnswered.Should().Be(0);
    }

    private (Socket Socket, IceLiteAgent Agent, IceCredentials Answer, IPAddress BrowserAddress) Prepare(bool wrongPassword)
    {
        var octet = Random.Shared.Next(1, 250);
        var hostAddress = IPAddress.Parse($"10.213.{octet}.1");
        var browserAddress = IPAddress.Parse($"10.213.{octet}.2");
        CreateNamespace(hostAddress, browserAddress);
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(hostAddress, 0));
        var credentials = IceCredentials.Generate();
        var answer = wrongPassword ? new IceCredentials(credentials.Ufrag, IceCredentials.Generate().Password) : credentials;
        return (socket, new IceLiteAgent(credentials, remote: null, TimeProvider.System), answer, browserAddress);
    }

    // Answers STUN until `stop` holds; returns the source of the first DTLS record seen while connected.
    private static async Task<PacketAddress> Serve(Socket socket, IceLiteAgent agent, Func<IceLiteAgent, PacketAddress, bool> stop)
    {
        var dtlsFrom = default(PacketAddress);
        var buffer = new byte[2048];
        var response = new byte[IceLiteAgent.MaxResponseSize];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!stop(agent, dtlsFrom))
        {
            var received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0),
                deadline.Token);
            var source = PacketAddress.FromEndPoint((IPEndPoint)received.RemoteEndPoint);
            var packet = buffer.AsMemory(0, received.ReceivedBytes);
            if (packet.Span[0] < 4)
            {
                if (agent.HandleBindingRequest(packet.Span, source, response, out var length) != IceCheckResult.Dropped)
                    await socket.SendToAsync(response.AsMemory(0, length), SocketFlags.None, received.RemoteEndPoint);
            }
            else if (packet.Span[0] == 22 && agent.State == IceConnectionState.Connected)
            {
                dtlsFrom = source; // DTLS handshake record (RFC 7983: 20..63): Chromium's ICE is connected.
            }
        }
        return dtlsFrom;
    }

    private static string Answer(IceCredentials credentials, IceCandidate candidate) => string.Join("\r\n",
        "v=0",
        "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
        "s=-",
        "t=0 0",
        "a=group:BUNDLE 0",
        "a=ice-lite",
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
        "c=IN IP4 0.0.0.0",
        "a=mid:0",
        $"a=ice-ufrag:{credentials.Ufrag}",
        $"a=ice-pwd:{credentials.Password}",
        // Never checked: the test stops at the ClientHello, before any certificate is exchanged.
        "a=fingerprint:sha-256 " + string.Join(':', Enumerable.Repeat("AB", 32)),
        "a=setup:passive",
        "a=sctp-port:5000",
        $"a={candidate}",
        "a=end-of-candidates",
        "");

    private void StartChromium(IceCredentials answerCredentials, Socket socket)
    {
        var local = (IPEndPoint)socket.LocalEndPoint!;
        var candidate = IceCandidate.CreateHost("1", PacketAddress.FromEndPoint(local), IceTransportProtocol.Udp);
        var answer = Answer(answerCredentials, candidate);
        var page = Path.Combine(_directory, "ice.html");
        File.WriteAllText(page, $$"""
            <!doctype html><script>
            (async () => {
              const pc = new RTCPeerConnection();
              pc.createDataChannel('probe');
              await pc.setLocalDescription(await pc.createOffer());
              await pc.setRemoteDescription({ type: 'answer', sdp: {{System.Text.Json.JsonSerializer.Serialize(answer)}} });
              window.pc = pc;
            })();
            </script>
            """);
        var arguments = new[]
        {
            "netns", "exec", _namespace, Chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            // Host candidates as plain addresses, not mDNS names: no multicast on the veth.
            "--disable-features=WebRtcHideLocalIpsWithMdns",
            $"--user-data-dir={Path.Combine(_directory, "profile")}", "--remote-debugging-port=0",
            new Uri(page).AbsoluteUri,
        };
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        _browser = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
        _browser.ErrorDataReceived += (_, _) => { };
        _browser.OutputDataReceived += (_, _) => { };
        _browser.BeginErrorReadLine();
        _browser.BeginOutputReadLine();
    }

    private void CreateNamespace(IPAddress hostAddress, IPAddress browserAddress)
    {
        var hostLink = $"{_namespace[^4..]}h";
        var browserLink = $"{_namespace[^4..]}b";
        Run("ip", $"netns add {_namespace}");
        Run("ip", $"link add mi{hostLink} type veth peer name mi{browserLink}");
        Run("ip", $"link set mi{browserLink} netns {_namespace}");
        Run("ip", $"addr add {hostAddress}/30 dev mi{hostLink}");
        Run("ip", $"link set mi{hostLink} up");
        Run("ip", $"netns exec {_namespace} ip addr add {browserAddress}/30 dev mi{browserLink}");
        Run("ip", $"netns exec {_namespace} ip link set mi{browserLink} up");
        Run("ip", $"netns exec {_namespace} ip link set lo up");
    }

    private static void Run(string file, string arguments, bool check = true)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (check && process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} failed: {error}");
    }
}
