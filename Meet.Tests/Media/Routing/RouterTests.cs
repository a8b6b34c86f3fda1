using System.Net;
using System.Security.Cryptography;
using Meet.Modules.Client.Media;
using Meet.Modules.Media;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Protocols.Srtp;
using Meet.PacketEngine;

namespace Meet.Tests.Media.Routing;

// The router's shape (issue 10, "give routing a home"): one lock per meeting, and control-plane work
// whose sends leave without the caller flushing.
[TestFixture]
public sealed class RouterTests
{
    private const uint PublisherSsrc = 0x0A0B_0C0D;

    [Test]
    public async Task A_meeting_whose_router_is_busy_does_not_hold_up_another_meeting()
    {
        await using var module = new MediaModule("127.0.0.1", TimeProvider.System);
        module.Sender.Channel = new RtcpCountingChannel();
        await using var first = module.AddParticipant(new MediaParticipantRequest("m1", "a", "a"), new NullListener());
        var busy = module.FindRouter("m1")!;

        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            busy.Lock.Enter();
            held.Set();
            release.Wait();
            busy.Lock.Exit();
        });
        holder.Start();
        held.Wait();
        try
        {
            // Another meeting joins and publishes while m1's router is locked.
            var other = Task.Run(() =>
            {
                var b = (MediaParticipant)module.AddParticipant(new MediaParticipantRequest("m2", "b", "b"), new NullListener());
                return b.AnswerPublisherOffer(Offer());
            });
            var sameMeeting = Task.Run(() => module.AddParticipant(new MediaParticipantRequest("m1", "c", "c"), new NullListener()));
            (await Task.WhenAny(other, Task.Delay(TimeSpan.FromSeconds(30)))).Should().Be(other, "m2 has its own lock");
            (await other).Succeeded.Should().BeTrue();
            sameMeeting.IsCompleted.Should().BeFalse("a join to m1 waits for m1's router");
            release.Set();
            await using var c = await sameMeeting.WaitAsync(TimeSpan.FromSeconds(30));
            module.GetResourceCounts().Participants.Should().Be(3);
        }
        finally
        {
            release.Set();
            holder.Join();
        }
    }

    [Test]
    public async Task A_joining_subscribers_keyframe_request_reaches_the_publisher_without_anyone_flushing()
    {
        await using var module = new MediaModule("127.0.0.1", TimeProvider.System);
        var channel = new RtcpCountingChannel();
        module.Sender.Channel = channel;
        var publisherAddress = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 50000));
        var publisher = (MediaParticipant)module.AddParticipant(new MediaParticipantRequest("m", "pub", "pub"), new NullListener());
        publisher.Publisher.ConnectForTesting(new SrtpSession(NewKeys(), NewKeys()), publisherAddress);
        publisher.AnswerPublisherOffer(Offer()).Succeeded.Should().BeTrue();
        var before = channel.RtcpTo(publisherAddress);

        // A PLI written by this thread is sent when AddParticipant's router scope ends, not at the next tick.
        await using var subscriber = module.AddParticipant(new MediaParticipantRequest("m", "sub", "sub"), new NullListener());

        channel.RtcpTo(publisherAddress).Should().BeGreaterThan(before);
    }

    private static string Offer()
    {
        var client = new ClientPeerConnection();
        try
        {
            return client.CreateOffer([ClientMediaTrack.Vp8("pub", "cam", PublisherSsrc)]);
        }
        finally
        {
            client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static SrtpKeyingMaterial NewKeys() =>
        new(SrtpProtectionProfile.AeadAes128Gcm, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(12));

    private sealed class NullListener : IMediaParticipantListener
    {
        public void OnSubscriberOffer(string offerSdp, ulong version)
        {
        }

        public void OnConnectionStateChanged(MediaConnectionState state)
        {
        }
    }

    private sealed class RtcpCountingChannel : IPacketChannel
    {
        private readonly Dictionary<PacketAddress, int> _rtcp = [];

        public PacketAddress LocalAddress { get; } = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 40000));

        public PacketProtocol Protocol => PacketProtocol.Udp;

        public PacketChannelCounters Counters { get; } = new();

        public int RtcpTo(PacketAddress address)
        {
            lock (_rtcp)
                return _rtcp.GetValueOrDefault(address);
        }

        public int Send(PacketBatch batch)
        {
            lock (_rtcp)
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    if (batch[i][1] is >= 192 and <= 223)
                        _rtcp[batch.GetAddress(i)] = _rtcp.GetValueOrDefault(batch.GetAddress(i)) + 1;
                }
            }
            return batch.Count;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
