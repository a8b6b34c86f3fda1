using System.Net;
using System.Net.Sockets;
using Meet.Modules.Media.Protocols.Ice;
using Meet.PacketEngine;
using Meet.Tests.Support;

namespace Meet.Tests.Media.Protocols.Ice;

// The client library's controlling agent against a real Chromium (in a namespace of its own, see
// NamespacedChromium). We offer a data channel, so Chromium answers and takes the controlled
// role; its answer's ice-ufrag/ice-pwd are replaced by values we chose (SDP munging Chromium
// allows for exactly these two lines), so the test knows the password without a back channel.
// The agent answers Chromium's checks and learns its address from them (peer-reflexive); our
// checks and the USE-CANDIDATE nomination must be accepted by Chromium's STUN stack, its signed
// responses by ours, and Chromium's own ICE must connect: its DTLS ClientHello (it is the
// DTLS client, setup:active) is the proof.
[Category("Browser")]
[NonParallelizable]
public class IceControllingAgentChromeInteropTests
{
    [Test]
    public async Task Agent_and_chromium_both_connect_with_chromium_controlled()
    {
        using var chromium = await NamespacedChromium.CreateAsync(TimeSpan.FromSeconds(30));
        using var socket = chromium.OpenUdp(0);
        var local = PacketAddress.FromEndPoint((IPEndPoint)socket.LocalEndPoint!);
        var ours = IceCredentials.Generate();
        var chromes = IceCredentials.Generate();
        var agent = new IceControllingAgent(ours, chromes, TimeProvider.System);
        agent.AddLocalCandidate(local);
        chromium.Launch(Page(ours, chromes, local));

        var buffer = new byte[2048];
        var response = new byte[256];
        var sender = new IPEndPoint(IPAddress.Any, 0) as EndPoint;
        var dtlsFrom = default(PacketAddress);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (agent.State != IceConnectionState.Connected || dtlsFrom.IsEmpty)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "both sides should reach connected");
            while (socket.Available > 0)
            {
                var length = socket.ReceiveFrom(buffer, ref sender);
                var source = PacketAddress.FromEndPoint((IPEndPoint)sender);
                var packet = buffer.AsSpan(0, length);
                if (packet[0] == 22)
                    dtlsFrom = source; // Chromium (setup:active) starts DTLS once its own ICE is connected.
                else if (agent.HandleBindingRequest(packet, local, source, response, out var responseLength))
                    socket.SendTo(response.AsSpan(0, responseLength), SocketFlags.None, sender);
                else
                    agent.HandleResponse(packet, local, source);
            }
            while (agent.TryPollTransmit(buffer, out var written, out _, out var to))
                socket.SendTo(buffer.AsSpan(0, written), SocketFlags.None, to.ToEndPoint());
            await Task.Delay(5);
        }

        agent.TryGetSelectedPair(out var selectedLocal, out var selectedRemote).Should().BeTrue();
        selectedLocal.Should().Be(local);
        selectedRemote.ToEndPoint().Address.Should().Be(NamespacedChromium.BrowserAddress);
        dtlsFrom.Should().Be(selectedRemote);
    }

    private static string Page(IceCredentials ours, IceCredentials chromes, PacketAddress local)
    {
        var candidate = IceCandidate.CreateHost("1", local, IceTransportProtocol.Udp);
        var offer = string.Join("\r\n",
            "v=0",
            "o=- 4611731400430051337 2 IN IP4 127.0.0.1",
            "s=-",
            "t=0 0",
            "a=group:BUNDLE 0",
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
            "c=IN IP4 0.0.0.0",
            "a=mid:0",
            $"a=ice-ufrag:{ours.Ufrag}",
            $"a=ice-pwd:{ours.Password}",
            "a=fingerprint:sha-256 " + string.Join(':', Enumerable.Repeat("AB", 32)),
            "a=setup:actpass",
            "a=sctp-port:5000",
            $"a={candidate}",
            "a=end-of-candidates",
            "");
        return $"""
            const pc = new RTCPeerConnection();
            await pc.setRemoteDescription({"{"} type: 'offer', sdp: {System.Text.Json.JsonSerializer.Serialize(offer)} {"}"});
            const answer = await pc.createAnswer();
            const sdp = answer.sdp
              .replace(/a=ice-ufrag:.*\r\n/, 'a=ice-ufrag:{chromes.Ufrag}\r\n')
              .replace(/a=ice-pwd:.*\r\n/, 'a=ice-pwd:{chromes.Password}\r\n');
            await pc.setLocalDescription({"{"} type: 'answer', sdp {"}"});
            window.pc = pc;
            """;
    }
}
