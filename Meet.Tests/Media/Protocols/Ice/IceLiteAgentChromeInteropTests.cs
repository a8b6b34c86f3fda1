using System.Net;
using System.Net.Sockets;
using Meet.Modules.Media.Protocols.Ice;
using Meet.PacketEngine;
using Meet.Tests.Support;

namespace Meet.Tests.Media.Protocols.Ice;

// A real Chromium (in a namespace of its own, see NamespacedChromium) against the ICE-lite agent.
// The page offers a data channel and takes an ice-lite answer carrying our credentials and one
// host candidate. Chromium's ICE counts as connected when it starts DTLS: the answer says
// setup:passive, so a ClientHello arriving on our socket proves its checks, our responses and
// its nomination agreed.
[Category("Browser")]
[NonParallelizable]
public class IceLiteAgentChromeInteropTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Chromium_connects_through_the_ice_lite_agent()
    {
        using var chromium = await NamespacedChromium.CreateAsync(Deadline);
        using var socket = chromium.OpenUdp(0);
        var credentials = IceCredentials.Generate();
        var agent = new IceLiteAgent(credentials, remote: null, TimeProvider.System);
        chromium.Launch(Page(credentials, socket));

        var dtlsFrom = await Serve(socket, agent, stop: (_, dtls) => !dtls.IsEmpty);

        agent.TryGetSelectedPath(out var path).Should().BeTrue();
        path.ToEndPoint().Address.Should().Be(NamespacedChromium.BrowserAddress);
        dtlsFrom.Should().Be(path);
        agent.Counters.Unauthorized.Should().Be(0);
        agent.Counters.BadRequests.Should().Be(0);
        agent.Counters.Nominations.Should().BeGreaterThanOrEqualTo(1);
    }

    [Test]
    public async Task Chromium_with_the_wrong_password_is_refused_and_never_connects()
    {
        using var chromium = await NamespacedChromium.CreateAsync(Deadline);
        using var socket = chromium.OpenUdp(0);
        var credentials = IceCredentials.Generate();
        var agent = new IceLiteAgent(credentials, remote: null, TimeProvider.System);
        chromium.Launch(Page(new IceCredentials(credentials.Ufrag, IceCredentials.Generate().Password), socket));

        // Chromium retransmits its check; after three 401s it has had every chance to succeed.
        await Serve(socket, agent, stop: (agent, _) => agent.Counters.Unauthorized >= 3);

        agent.State.Should().Be(IceConnectionState.New);
        agent.TryGetSelectedPath(out _).Should().BeFalse();
        agent.Counters.ChecksAnswered.Should().Be(0);
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

    private static string Page(IceCredentials answerCredentials, Socket socket)
    {
        var candidate = IceCandidate.CreateHost("1", PacketAddress.FromEndPoint((IPEndPoint)socket.LocalEndPoint!),
            IceTransportProtocol.Udp);
        var answer = string.Join("\r\n",
            "v=0",
            "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0",
            "a=ice-lite",
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
            "c=IN IP4 0.0.0.0",
            "a=mid:0",
            $"a=ice-ufrag:{answerCredentials.Ufrag}",
            $"a=ice-pwd:{answerCredentials.Password}",
            // Never checked: the test stops at the ClientHello, before any certificate is exchanged.
            "a=fingerprint:sha-256 " + string.Join(':', Enumerable.Repeat("AB", 32)),
            "a=setup:passive",
            "a=sctp-port:5000",
            $"a={candidate}",
            "a=end-of-candidates",
            "");
        return $"""
            const pc = new RTCPeerConnection();
            pc.createDataChannel('probe');
            await pc.setLocalDescription(await pc.createOffer());
            await pc.setRemoteDescription({"{"} type: 'answer', sdp: {System.Text.Json.JsonSerializer.Serialize(answer)} {"}"});
            window.pc = pc;
            """;
    }
}
