using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Protocols.Stun;
using Meet.Modules.Media.Transport;
using Meet.Benchmarks.Fuzzing;
using Meet.PacketEngine;
using Meet.Tests.Media.Internal;
using Meet.Tests.Signaling;
using Meet.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Issue 5: two Chromium participants are in a call while a third party throws bad input at the
// signaling hub, the REST API and the media port. Every piece is refused (coded error, refused
// connection or a counted drop) and the call goes on: both browsers keep decoding each other's
// video and both of their PeerConnections stay connected.
[Category("Browser")]
[NonParallelizable]
public sealed class HostileInputTests
{
    private static readonly TimeSpan MediaTimeout = TimeSpan.FromSeconds(30);

    // The web client's hook does not expose its PeerConnections; this records them so the test can
    // read their connection state and the server's ICE ufrag from the remote description.
    private const string RecordPeerConnections = """
        (() => {
          const Original = window.RTCPeerConnection;
          window.__pcs = [];
          window.RTCPeerConnection = class extends Original {
            constructor(...args) { super(...args); window.__pcs.push(this); }
          };
        })();
        """;

    // Alice and Bob (pages whose PeerConnections are recorded) in a call, each decoding the other.
    private static async Task<(IPage Alice, IPage Bob, string AliceId, string BobId, IReadOnlyDictionary<string, MeetPage.RemoteStats> AliceFirst,
        IReadOnlyDictionary<string, MeetPage.RemoteStats> BobFirst)> StartCallAsync(BrowserHarness harness, IBrowser browser)
    {
        var alice = await NewRecordedParticipantAsync(harness, browser);
        await MeetPage.JoinFromLandingAsync(alice, "Alice", link: null);
        await MeetPage.WaitForStateAsync(alice, MediaTimeout, "joined");
        var bob = await NewRecordedParticipantAsync(harness, browser);
        await MeetPage.JoinFromLandingAsync(bob, "Bob", link: alice.Url);
        await MeetPage.WaitForStateAsync(bob, MediaTimeout, "joined");
        var aliceId = (await MeetPage.ParticipantIdAsync(alice))!;
        var bobId = (await MeetPage.ParticipantIdAsync(bob))!;
        var aliceFirst = await ThreeParticipantCallTests.WaitForMediaAsync(alice, [bobId]);
        var bobFirst = await ThreeParticipantCallTests.WaitForMediaAsync(bob, [aliceId]);
        return (alice, bob, aliceId, bobId, aliceFirst, bobFirst);
    }

    [Test]
    public async Task Bad_signaling_rest_and_media_input_is_refused_and_the_call_keeps_going()
    {
        await using var harness = await BrowserHarness.StartAsync();
        var browser = await harness.LaunchAsync();
        var media = harness.Host.Get<MediaModule>();
        var (alice, bob, aliceId, bobId, aliceFirst, bobFirst) = await StartCallAsync(harness, browser);
        await ShouldBeConnectedAsync(alice);
        await ShouldBeConnectedAsync(bob);
        var meetingId = alice.Url.Split("/j/")[1];

        // (1) Malformed SDP from a third participant holding a valid token: coded 400, connection kept.
        var mallory = await JoinOverRestAsync(harness, meetingId, "mallory");
        await using (var client = await HubTestClient.ConnectAsync(harness.Host.BaseAddress, mallory, messagePack: false))
        {
            await client.JoinAsync("Mallory");
            await SignalingHubTests.ShouldBeRefusedAsync(() => client.Connection.InvokeAsync<string>("PublisherOffer", "this is not sdp"), 400);
            await SignalingHubTests.ShouldBeRefusedAsync(() => client.Connection.InvokeAsync<string>("PublisherOffer", "v=0\r\nno media\r\n"), 400);
            (await client.Connection.InvokeAsync<long>("Ping", 1L)).Should().BePositive("the connection survives the bad SDP");

            // (3) An SDP over Signaling:MaximumSdpSize (64 KiB by default): coded 413 on this connection.
            await SignalingHubTests.ShouldBeRefusedAsync(
                () => client.Connection.InvokeAsync<string>("PublisherOffer", SignalingTestBase.OfferSdp + new string('a', 100_000)), 413);
            (await client.Connection.InvokeAsync<long>("Ping", 2L)).Should().BePositive("a 413 does not close the connection");
        }

        // (3) A frame over Signaling:MaximumReceiveMessageSize (256 KiB by default) closes only that connection.
        var trudy = await JoinOverRestAsync(harness, meetingId, "trudy");
        await using (var client = await HubTestClient.ConnectAsync(harness.Host.BaseAddress, trudy, messagePack: false))
        {
            await client.JoinAsync("Trudy");
            await client.Connection.Invoking(c => c.InvokeAsync<string>("PublisherOffer", SignalingTestBase.OfferSdp + new string('a', 400_000)))
                .Should().ThrowAsync<Exception>();
            await SignalingTestBase.EventuallyAsync(() => client.IsClosed, "the server closes the connection that sent the oversized frame");
        }

        // (2) An invalid token: the hub refuses the connection with 401 before the upgrade.
        var refused = await FluentActions.Awaiting(() => HubTestClient.ConnectAsync(harness.Host.BaseAddress, "not-a-token", messagePack: false))
            .Should().ThrowAsync<HttpRequestException>();
        refused.Which.StatusCode.Should().Be(HttpStatusCode.Unauthorized);

        // (4) Another meeting, ended: a REST join gets 410, and a token issued before the end gets 410 at the hub.
        var (endedId, endedHostToken, _) = await harness.CreateMeetingAsync();
        var early = await JoinOverRestAsync(harness, endedId, "early");
        await harness.EndMeetingAsync(endedId, endedHostToken);
        using (var late = await harness.Host.Client.PostAsJsonAsync($"/v1/meetings/{endedId}/join", new { userId = "late", displayName = "Late" }))
            late.StatusCode.Should().Be(HttpStatusCode.Gone);
        var gone = await FluentActions.Awaiting(() => HubTestClient.ConnectAsync(harness.Host.BaseAddress, early, messagePack: false))
            .Should().ThrowAsync<HttpRequestException>();
        gone.Which.StatusCode.Should().Be(HttpStatusCode.Gone);

        // (5)-(7) At the media port, from an address no transport knows.
        var counters = media.Counters;
        var channel = media.Channel!.Counters;
        media.Port.Should().BePositive();
        var target = new IPEndPoint(IPAddress.Loopback, media.Port);
        using var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        attacker.ReceiveTimeout = 5000;

        // (5) Random bytes: each datagram is one counted drop, as not WebRTC or as from an unknown peer.
        const int junkCount = 200;
        var mediaDropsBefore = counters.Dropped(MediaDropReason.NotWebRtc) + counters.Dropped(MediaDropReason.UnknownPeer);
        var channelDropsBefore = channel.Dropped(DropReason.Malformed) + channel.Dropped(DropReason.UnknownPeer);
        var notWebRtcBefore = counters.Dropped(MediaDropReason.NotWebRtc);
        var random = new Random(5);
        for (var i = 0; i < junkCount; i++)
        {
            var junk = new byte[random.Next(0, 300)];
            random.NextBytes(junk);
            attacker.SendTo(junk, target);
        }
        await SignalingTestBase.EventuallyAsync(
            () => counters.Dropped(MediaDropReason.NotWebRtc) + counters.Dropped(MediaDropReason.UnknownPeer) >= mediaDropsBefore + junkCount,
            "every random datagram is counted as a drop");
        counters.Dropped(MediaDropReason.NotWebRtc).Should().BeGreaterThan(notWebRtcBefore);
        (channel.Dropped(DropReason.Malformed) + channel.Dropped(DropReason.UnknownPeer)).Should().BeGreaterThanOrEqualTo(channelDropsBefore + junkCount,
            "the packet engine's channel counts the same drops");

        // (6) A DTLS ClientHello from an unknown address: dropped as from an unknown peer.
        var unknownPeerBefore = counters.Dropped(MediaDropReason.UnknownPeer);
        attacker.SendTo(MediaModuleTests.ForeignClientHello(), target);
        await SignalingTestBase.EventuallyAsync(() => counters.Dropped(MediaDropReason.UnknownPeer) > unknownPeerBefore,
            "the foreign ClientHello is counted as a drop");

        // (7) A Binding request with Alice's server-side ufrag and a wrong password: 401 error response.
        var serverSdp = await alice.EvaluateAsync<string>("() => window.__pcs[0].remoteDescription.sdp");
        var stunRejectedBefore = counters.Dropped(MediaDropReason.StunRejected);
        var request = MediaModuleTests.StunWithWrongPassword(serverSdp);
        attacker.SendTo(request, target);
        var buffer = new byte[1500];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        var length = attacker.ReceiveFrom(buffer, ref from);
        ReadStunError(buffer.AsSpan(0, length), request.AsSpan(8, 12)).Should().Be(401);
        counters.Dropped(MediaDropReason.StunRejected).Should().BeGreaterThan(stunRejectedBefore);

        // After all of it both browsers still decode each other and both PeerConnections are connected.
        await WaitForMoreFramesAsync(alice, bobId, aliceFirst[bobId].FramesDecoded);
        await WaitForMoreFramesAsync(bob, aliceId, bobFirst[aliceId].FramesDecoded);
        var aliceNow = await MeetPage.StatsAsync(alice);
        var bobNow = await MeetPage.StatsAsync(bob);
        await WaitForMoreFramesAsync(alice, bobId, aliceNow[bobId].FramesDecoded);
        await WaitForMoreFramesAsync(bob, aliceId, bobNow[aliceId].FramesDecoded);
        await ShouldBeConnectedAsync(alice);
        await ShouldBeConnectedAsync(bob);
        (await MeetPage.StateAsync(alice)).Should().Be("joined");
        (await MeetPage.StateAsync(bob)).Should().Be("joined");
    }

    // Issue 16: sprays of mutated STUN/DTLS/RTP/RTCP (the fuzz seeds, mutated) at the shared media port,
    // including valid-looking packets sent from Alice's own address (forged source, raw socket) that
    // carry her SSRCs and Bob's, plus a signaling flood (bursts past the rate limit, out-of-order and
    // malformed calls) from a third participant. Every datagram is a drop counted by reason, nothing
    // reaches Alice's or Bob's media state, and both keep decoding each other.
    [Test]
    public async Task Spoofed_and_mutated_media_and_a_signaling_flood_are_dropped_by_reason_and_the_call_keeps_decoding()
    {
        await using var harness = await BrowserHarness.StartAsync();
        var browser = await harness.LaunchAsync();
        var media = harness.Host.Get<MediaModule>();
        var (alice, bob, aliceId, bobId, aliceFirst, bobFirst) = await StartCallAsync(harness, browser);
        var meetingId = alice.Url.Split("/j/")[1];

        // Alice's publisher path as the SFU sees it, and the SSRCs she and Bob send.
        var aliceAddress = await SelectedLocalCandidateAsync(alice);
        var ssrcs = (await OutboundSsrcsAsync(alice)).Concat(await OutboundSsrcsAsync(bob)).ToArray();
        ssrcs.Should().NotBeEmpty();
        var target = new IPEndPoint(IPAddress.Loopback, media.Port);
        var counters = media.Counters;
        var dropsBefore = Enum.GetValues<MediaDropReason>().ToDictionary(r => r, counters.Dropped);
        var forwardedBefore = counters.RtpForwarded;
        var dtlsBefore = counters.DtlsReceived;

        var random = new Random(16);
        var sent = 0;
        using (var spoofer = new SpoofedUdpSender())
        using (var attacker = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            attacker.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            for (var round = 0; round < 40; round++)
            {
                // From Alice's address: plain RTP/RTCP that look valid (her SSRCs and Bob's, sequence
                // numbers far ahead) but carry no SRTP authentication tag of her session.
                foreach (var ssrc in ssrcs)
                {
                    spoofer.Send(aliceAddress, target, ForgedRtp(ssrc, (ushort)random.Next(), random));
                    spoofer.Send(aliceAddress, target, ForgedRtcpPli(ssrc));
                    sent += 2;
                }
                // Mutated seeds of every packet type, from Alice's address and from the attacker's own.
                foreach (var kind in new[] { "stun", "dtls", "rtp", "rtcp" })
                {
                    foreach (var (_, seed) in FuzzSeeds.For(kind, null))
                    {
                        var mutated = Mutate(seed, random);
                        if (mutated.Length == 0)
                            continue;
                        spoofer.Send(aliceAddress, target, mutated);
                        attacker.SendTo(Mutate(seed, random) is { Length: > 0 } other ? other : [0], target);
                        sent += 2;
                    }
                }
            }
        }

        var mallory = await JoinOverRestAsync(harness, meetingId, "mallory");
        await using (var client = await HubTestClient.ConnectAsync(harness.Host.BaseAddress, mallory, messagePack: true))
        {
            // Out of order: media calls before Join are refused with 409 and the connection stays.
            await SignalingHubTests.ShouldBeRefusedAsync(() => client.Connection.InvokeAsync<string>("PublisherOffer", SignalingTestBase.OfferSdp), 409);
            await SignalingHubTests.ShouldBeRefusedAsync(() => client.Connection.InvokeAsync("SubscriberAnswer", SignalingTestBase.OfferSdp, 1L), 409);
            await client.JoinAsync("Mallory");
            await SignalingHubTests.ShouldBeRefusedAsync(() => client.Connection.InvokeAsync("IceCandidate", "nowhere", "candidate:x", null, null), 400);
            await SignalingHubTests.ShouldBeRefusedAsync(() => client.Connection.InvokeAsync("SetMuted", "smell", true), 400);
            // A burst far past Signaling:MessageBurst: the excess is refused with 429, not queued.
            var burst = Enumerable.Range(0, 400).Select(async i =>
            {
                try
                {
                    await client.Connection.InvokeAsync<long>("Ping", (long)i);
                    return 0;
                }
                catch (HubException ex) when (ex.Message.Contains("429: ", StringComparison.Ordinal))
                {
                    return 1;
                }
            });
            (await Task.WhenAll(burst)).Sum().Should().BePositive("the flood runs into the per-connection rate limit");
        }

        // Every datagram became a drop with a reason; forged SRTP/SRTCP from Alice's address failed authentication.
        // DTLS records from Alice's verified address go to her DTLS endpoint, where the library discards
        // the unauthenticated ones itself (RFC 6347 §4.1.2.7): they are accounted for as DtlsReceived.
        long Accounted() => Enum.GetValues<MediaDropReason>().Sum(r => counters.Dropped(r) - dropsBefore[r]) + counters.DtlsReceived - dtlsBefore;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (Accounted() < sent && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        var delta = Enum.GetValues<MediaDropReason>().ToDictionary(r => r, r => counters.Dropped(r) - dropsBefore[r]);
        var report = $"sent {sent}; drops by reason: {string.Join(", ", delta.Where(d => d.Value > 0).Select(d => $"{d.Key}={d.Value}"))}; " +
                     $"into Alice's DTLS endpoint: {counters.DtlsReceived - dtlsBefore}";
        TestContext.Out.WriteLine(report);
        Accounted().Should().BeGreaterThanOrEqualTo(sent, report);
        delta[MediaDropReason.SrtpRejected].Should().BeGreaterThanOrEqualTo(40 * ssrcs.Length * 2, "forged RTP and RTCP from Alice's address fail SRTP authentication");
        delta[MediaDropReason.UnknownPeer].Should().BePositive("the attacker's own address belongs to no transport");

        // Nothing reached Alice's or Bob's streams: the SFU keeps forwarding and both keep decoding.
        await WaitForMoreFramesAsync(alice, bobId, aliceFirst[bobId].FramesDecoded);
        await WaitForMoreFramesAsync(bob, aliceId, bobFirst[aliceId].FramesDecoded);
        var aliceNow = await MeetPage.StatsAsync(alice);
        var bobNow = await MeetPage.StatsAsync(bob);
        await WaitForMoreFramesAsync(alice, bobId, aliceNow[bobId].FramesDecoded);
        await WaitForMoreFramesAsync(bob, aliceId, bobNow[aliceId].FramesDecoded);
        counters.RtpForwarded.Should().BeGreaterThan(forwardedBefore);
        await ShouldBeConnectedAsync(alice);
        await ShouldBeConnectedAsync(bob);
    }

    // The local side of the publisher PeerConnection's selected candidate pair: where the SFU sees Alice.
    private static async Task<IPEndPoint> SelectedLocalCandidateAsync(IPage page)
    {
        var local = await page.EvaluateAsync<string>("""
            async () => {
              const stats = await window.__pcs[0].getStats();
              let pair;
              stats.forEach(s => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
              const candidate = stats.get(pair.localCandidateId);
              return candidate.address + ':' + candidate.port;
            }
            """);
        return IPEndPoint.Parse(local);
    }

    private static async Task<uint[]> OutboundSsrcsAsync(IPage page) =>
        (await page.EvaluateAsync<double[]>("""
            async () => {
              const out = [];
              (await window.__pcs[0].getStats()).forEach(s => { if (s.type === 'outbound-rtp') out.push(s.ssrc); });
              return out;
            }
            """)).Select(s => (uint)s).ToArray();

    private static byte[] ForgedRtp(uint ssrc, ushort sequence, Random random)
    {
        var packet = new byte[12 + 200];
        packet[0] = 0x80;
        packet[1] = 96;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), (uint)random.Next());
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        random.NextBytes(packet.AsSpan(12));
        return packet;
    }

    // A PLI (RFC 4585 §6.3.1) asking for a keyframe of this SSRC, with an SRTCP-index-sized tail of zeros.
    private static byte[] ForgedRtcpPli(uint ssrc)
    {
        var packet = new byte[12 + 4 + 10];
        packet[0] = 0x81;
        packet[1] = 206;
        packet[3] = 2;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), 0x1234);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        packet[12] = 0x80;
        return packet;
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var input = (byte[])seed.Clone();
        for (var flips = random.Next(1, 6); flips > 0 && input.Length > 0; flips--)
            input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
        return random.Next(4) == 0 ? input[..random.Next(input.Length + 1)] : input;
    }

    private static async Task<IPage> NewRecordedParticipantAsync(BrowserHarness harness, IBrowser browser)
    {
        var page = await harness.NewParticipantAsync(browser);
        await page.Context.AddInitScriptAsync(RecordPeerConnections);
        return page;
    }

    private static async Task<string> JoinOverRestAsync(BrowserHarness harness, string meetingId, string userId)
    {
        using var response = await harness.Host.Client.PostAsJsonAsync($"/v1/meetings/{meetingId}/join", new { userId, displayName = userId });
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("accessToken").GetString()!;
    }

    private static async Task ShouldBeConnectedAsync(IPage page)
    {
        var states = await page.EvaluateAsync<string[]>("() => window.__pcs.map(pc => pc.connectionState)");
        states.Should().HaveCount(2, "the client uses one publisher and one subscriber PeerConnection")
            .And.OnlyContain(s => s == "connected");
    }

    private static async Task WaitForMoreFramesAsync(IPage page, string from, long than)
    {
        var deadline = DateTime.UtcNow + MediaTimeout;
        long decoded = 0;
        while (DateTime.UtcNow < deadline)
        {
            var stats = await MeetPage.StatsAsync(page);
            decoded = stats.TryGetValue(from, out var s) ? s.FramesDecoded : 0;
            if (decoded > than)
                return;
            await Task.Delay(100);
        }
        Assert.Fail($"{from}'s video stopped decoding: framesDecoded stayed at {decoded} (was {than})");
    }

    // The error code of a Binding error response to the given transaction, or 0 if it is not one.
    private static int ReadStunError(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> transactionId)
    {
        if (!StunMessage.TryParse(datagram, out var response) || response.Type != StunMessageType.BindingErrorResponse
            || !response.TransactionIdBytes.SequenceEqual(transactionId))
            return 0;
        return response.TryGetErrorCode(out var code, out _) ? code : 0;
    }
}
