using System.Net;
using System.Net.Sockets;
using Meet.PacketEngine;
using Meet.PacketEngine.Sockets;
using Meet.Tests.PacketEngine;

namespace Meet.Tests.Media.Internal;

// Issue 14, frame hold on the real sockets engine: the media port's recvmmsg loop keeps a frame's fan-out
// across receive batches and sends it as one UDP GSO message per subscriber, or sends what it holds at
// the deadline without waiting for another datagram. Loopback only.
[TestFixture]
public sealed class MediaPacketReceiverSocketsTests
{
    private const int Subscribers = 4;

    [Test]
    public async Task A_frame_read_in_two_receive_batches_leaves_in_one_gso_message_per_subscriber()
    {
        await using var setup = Setup.Start(holdMicroseconds: 10_000_000);
        var baseline = setup.Media.Counters.SendMessages;

        setup.Publish(setup.Rig.ProtectFramePacket(0, 6), setup.Rig.ProtectFramePacket(1, 6), setup.Rig.ProtectFramePacket(2, 6));
        Poll.Until(() => setup.Rig.Module.Counters.FrameHolds == 1).Should().BeTrue("the loop holds the first half of the frame");
        setup.Media.Counters.SendMessages.Should().Be(baseline, "nothing leaves before the frame's marker");

        setup.Publish(setup.Rig.ProtectFramePacket(3, 6), setup.Rig.ProtectFramePacket(4, 6), setup.Rig.ProtectFramePacket(5, 6));
        setup.WaitForRtp(1 + 6).Should().BeTrue();

        setup.Media.Counters.SendMessages.Should().Be(baseline + Subscribers, "one GSO message carried each subscriber's six packets");
        setup.Rig.Module.Counters.FrameHoldsExpired.Should().Be(0);
    }

    [Test]
    public async Task An_incomplete_frame_leaves_at_the_deadline_without_another_datagram()
    {
        await using var setup = Setup.Start(holdMicroseconds: 20_000);
        var baseline = setup.Media.Counters.SendMessages;

        // The frame's marker never comes, and nothing else arrives to wake the loop.
        setup.Publish(setup.Rig.ProtectFramePacket(0, 6), setup.Rig.ProtectFramePacket(1, 6), setup.Rig.ProtectFramePacket(2, 6));
        setup.WaitForRtp(1 + 3).Should().BeTrue("the deadline sent the held packets");

        setup.Rig.Module.Counters.FrameHoldsExpired.Should().Be(1);
        setup.Media.Counters.SendMessages.Should().Be(baseline + Subscribers);
    }

    private sealed class Setup : IAsyncDisposable
    {
        private readonly IPacketEngine _engine;
        private readonly Socket _publisher;
        private readonly RecordingReceiver[] _subscribers;

        private Setup(IPacketEngine engine, Socket publisher, RecordingReceiver[] subscribers, MediaPacketReceiverTests.Rig rig, IPacketChannel media)
        {
            _engine = engine;
            _publisher = publisher;
            _subscribers = subscribers;
            Rig = rig;
            Media = media;
        }

        public MediaPacketReceiverTests.Rig Rig { get; }

        public IPacketChannel Media { get; }

        // A publisher socket, four subscriber channels and the SFU's media port on one sockets engine,
        // and the camera's first keyframe delivered to every subscriber.
        public static Setup Start(int holdMicroseconds)
        {
            var engine = SocketsPacketEngineFactory.Create(new SocketsPacketEngineOptions { ReceiveLoops = 1 });
            var loopback = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 0));
            var subscribers = new RecordingReceiver[Subscribers];
            var addresses = new PacketAddress[Subscribers];
            for (var i = 0; i < Subscribers; i++)
            {
                subscribers[i] = new RecordingReceiver();
                addresses[i] = engine.Bind(loopback, PacketProtocol.Udp, subscribers[i]).LocalAddress;
            }
            var publisher = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            publisher.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var rig = MediaPacketReceiverTests.Rig.Create(Subscribers, publisherAddress: PacketAddress.FromEndPoint((IPEndPoint)publisher.LocalEndPoint!),
                subscriberAddresses: addresses);
            // Set directly, beyond the configuration's range, so a loaded machine cannot end a hold early.
            rig.Module.Sender.FrameHoldMicroseconds = holdMicroseconds;
            var media = engine.Bind(loopback, PacketProtocol.Udp, rig.Receiver);
            rig.Module.Sender.Channel = media;
            var setup = new Setup(engine, publisher, subscribers, rig, media);
            setup.Publish(rig.ProtectFramePacket(0, 1, keyFrame: true));
            setup.WaitForRtp(1).Should().BeTrue("the keyframe reaches every subscriber");
            return setup;
        }

        public void Publish(params byte[][] datagrams)
        {
            var media = Media.LocalAddress.ToEndPoint();
            foreach (var datagram in datagrams)
                _publisher.SendTo(datagram, new IPEndPoint(IPAddress.Loopback, media.Port));
        }

        // Every subscriber has received at least `count` RTP packets (a hang guard, not a timing assertion).
        public bool WaitForRtp(int count) => Poll.Until(() => _subscribers.All(s => s.Datagrams.Count(d => d.Payload[1] is < 192 or > 223) >= count));

        public async ValueTask DisposeAsync()
        {
            _publisher.Dispose();
            await Rig.DisposeAsync();
            await _engine.DisposeAsync();
        }
    }
}
