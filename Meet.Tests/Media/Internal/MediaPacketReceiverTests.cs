using System.Net;
using System.Security.Cryptography;
using Meet.Modules.Client.Media;
using Meet.Modules.Media;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Protocols.Srtp;
using Meet.Modules.Media.Routing;
using Meet.Modules.Media.Transport;
using Meet.PacketEngine;

namespace Meet.Tests.Media.Internal;

// The receive side of the media port without sockets: SRTP packets from a "connected" publisher are
// demultiplexed, unprotected once and leave as one protected, rewritten packet per subscriber.
[TestFixture]
public sealed class MediaPacketReceiverTests
{
    internal const uint PublisherSsrc = 0x5555_0001;
    internal const uint AudioSsrc = 0x5555_0002;

    [Test]
    public async Task Forwarding_rewrites_per_subscriber_and_allocates_nothing()
    {
        await using var rig = Rig.Create(subscribers: 3);
        rig.Receive(keyFrame: true).Should().Be(3);
        rig.WarmUp();

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
            rig.Receive(keyFrame: false);
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);

        rig.Channel.Capture = true;
        rig.Receive(keyFrame: false);
        var decoded = rig.DecodeLastBatch();
        decoded.Select(h => h.Ssrc).Distinct().Should().HaveCount(3, "every consumer has its own SSRC");
        decoded.Should().NotContain(h => h.Ssrc == PublisherSsrc);
    }

    [Test]
    public async Task A_frame_fanned_out_to_many_subscribers_leaves_grouped_by_subscriber_and_allocates_nothing()
    {
        // Issue 14: three packets of one frame in one receive batch, to 100 subscribers. The fan-out writes
        // packet 1 to all, then packet 2, ...; the send batch goes out once, ordered so that each
        // subscriber's three packets are neighbours (one UDP GSO send each with the sockets engine).
        await using var rig = Rig.Create(subscribers: 100);
        rig.Receive(keyFrame: true).Should().Be(100);
        rig.WarmUp();
        rig.ReceiveFrame(3);
        rig.ReceiveFrame(3);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 20; i++)
            rig.ReceiveFrame(3);
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0, "grouping and the grown batch allocate nothing per packet");

        rig.ReceiveFrame(3).Should().Be(300);
        rig.Channel.Sends.Should().Be(1, "the batch grew to hold the whole fan-out of the frame");
        rig.Channel.LongestRunToOneDestination.Should().Be(3, "each subscriber's packets of the frame are neighbours");
    }

    [Test]
    public async Task A_frame_read_over_several_receive_batches_leaves_in_one_grouped_send_per_subscriber()
    {
        // Issue 14, frame hold: the loop is woken by the frame's first packets and reads the rest later;
        // the fan-out waits for the marker, then each subscriber's six packets are neighbours in one send.
        await using var rig = Rig.Create(subscribers: 50);
        rig.StartHolding();

        var first = rig.DeliverHolding(rig.ProtectFramePacket(0, 6), rig.ProtectFramePacket(1, 6));
        var second = rig.DeliverHolding(rig.ProtectFramePacket(2, 6), rig.ProtectFramePacket(3, 6));
        rig.Channel.Sends.Should().Be(0, "the frame is not complete yet");
        first.Should().NotBe(0);
        second.Should().Be(first, "a hold's deadline is set when it begins and never extended");
        rig.DeliverHolding(rig.ProtectFramePacket(4, 6), rig.ProtectFramePacket(5, 6)).Should().Be(0, "the marker completed the frame");

        rig.Channel.Sends.Should().Be(1);
        rig.Channel.Rtp.Should().Be(300);
        rig.Channel.LongestRunToOneDestination.Should().Be(6, "each subscriber's packets of the frame are neighbours");
        rig.Module.Counters.FrameHolds.Should().Be(1);
        rig.Module.Counters.FrameHoldsExpired.Should().Be(0);
    }

    [Test]
    public async Task The_deadline_sends_an_incomplete_frame_and_ends_the_hold()
    {
        await using var rig = Rig.Create(subscribers: 10);
        rig.StartHolding();

        var before = System.Diagnostics.Stopwatch.GetTimestamp();
        var deadline = rig.DeliverHolding(rig.ProtectFramePacket(0, 4), rig.ProtectFramePacket(1, 4));
        var after = System.Diagnostics.Stopwatch.GetTimestamp();
        var hold = System.Diagnostics.Stopwatch.Frequency * 400 / 1_000_000;
        deadline.Should().BeInRange(before + hold, after + hold, "the hold lasts the configured time from the end of its first batch");
        rig.Receiver.OnHoldExpired(rig.Channel);

        rig.Channel.Sends.Should().Be(1);
        rig.Channel.Rtp.Should().Be(20);
        rig.Module.Counters.FrameHoldsExpired.Should().Be(1);
        // The marker lost with the rest of that frame: the next frame starts a new hold of its own.
        rig.DeliverHolding(rig.ProtectFramePacket(0, 2)).Should().NotBe(0).And.NotBe(deadline);
        rig.DeliverHolding(rig.ProtectFramePacket(1, 2)).Should().Be(0);
        rig.Channel.Sends.Should().Be(2);
    }

    [Test]
    public async Task Audio_is_not_held_behind_an_incomplete_video_frame()
    {
        await using var rig = Rig.Create(subscribers: 3, withAudio: true);
        rig.StartHolding();
        rig.DeliverHolding(rig.ProtectAudioPacket()).Should().Be(0, "audio alone is never held");
        rig.Channel.Rtp.Should().Be(3, "the microphone is forwarded to every subscriber");
        rig.Channel.Rtp = 0;
        rig.Channel.Sends = 0;

        rig.DeliverHolding(rig.ProtectFramePacket(0, 3)).Should().NotBe(0);
        rig.Channel.Sends.Should().Be(0);
        rig.DeliverHolding(rig.ProtectAudioPacket()).Should().Be(0, "audio leaves at the end of its receive batch");

        rig.Channel.Sends.Should().Be(1);
        rig.Channel.Rtp.Should().Be(6, "the audio packet and the video held before it, to three subscribers");
        rig.Module.Counters.FrameHoldsExpired.Should().Be(0);
    }

    [Test]
    public async Task Holding_frames_allocates_nothing_per_packet()
    {
        await using var rig = Rig.Create(subscribers: 100);
        rig.StartHolding();
        rig.WarmUp();
        // Three receive batches of two packets each; the arrays are made before measuring (the publisher's
        // side and the params array allocate, the receive side must not).
        var batches = new[] { new byte[2][], new byte[2][], new byte[2][] };
        void Protect()
        {
            for (var p = 0; p < 6; p++)
                batches[p / 2][p % 2] = rig.ProtectFramePacket(p, 6);
        }
        for (var i = 0; i < 2; i++)
        {
            Protect();
            foreach (var batch in batches)
                rig.DeliverHolding(batch);
        }
        rig.Channel.Sends = 0;

        long allocated = 0;
        for (var i = 0; i < 20; i++)
        {
            Protect();
            var before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var batch in batches)
                rig.DeliverHolding(batch);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        }
        allocated.Should().Be(0);
        rig.Channel.Sends.Should().Be(20, "one send per frame");
        rig.Channel.LongestRunToOneDestination.Should().Be(6);
    }

    [Test]
    public async Task Delta_frames_before_the_first_keyframe_are_not_forwarded()
    {
        await using var rig = Rig.Create(subscribers: 2);
        rig.Receive(keyFrame: false).Should().Be(0);
        rig.Receive(keyFrame: true).Should().Be(2);
    }

    [Test]
    public async Task Packets_from_unknown_addresses_and_garbage_are_counted_drops()
    {
        await using var rig = Rig.Create(subscribers: 1);
        var stranger = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 1));
        rig.Deliver([0x80, 0x60, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], stranger);
        rig.Deliver([0xFF, 0xFF, 0xFF, 0xFF], stranger);
        rig.Deliver([1], stranger);
        rig.Module.Counters.Dropped(MediaDropReason.UnknownPeer).Should().Be(1);
        rig.Module.Counters.Dropped(MediaDropReason.NotWebRtc).Should().Be(2);
    }

    [Test]
    public async Task Tampered_srtp_from_a_known_peer_is_a_counted_drop()
    {
        await using var rig = Rig.Create(subscribers: 1);
        rig.Receive(keyFrame: true, tamper: true).Should().Be(0);
        rig.Module.Counters.Dropped(MediaDropReason.SrtpRejected).Should().Be(1);
    }

    internal sealed class Rig : IAsyncDisposable
    {
        private readonly byte[] _payload = new byte[1000];
        private readonly byte[] _scratch = new byte[PacketBatch.DefaultSlotSize];
        private readonly PacketBatch _batch = new(1);
        private readonly PacketBatch _frameBatch = new(16);
        private readonly List<SrtpSession> _subscriberClients = [];
        private readonly Dictionary<int, int> _subscriberByPort = [];
        private readonly PacketBatch _held = new(16);
        private SrtpSession _publisherClient = null!;
        private PacketAddress _publisherAddress;
        private ushort _sequence = 7;
        private ushort _audioSequence = 300;
        private uint _timestamp = 1000;

        public MediaModule Module { get; private set; } = null!;

        public MediaPacketReceiver Receiver { get; private set; } = null!;

        public CapturingChannel Channel { get; } = new();

        public List<MediaParticipant> Subscribers { get; } = [];

        // track: what the publisher sends (VP8 by default); editOffer: changes to its offer's SDP text;
        // withAudio: an Opus track (AudioSsrc) beside it; addresses: the publisher's and the subscribers'
        // (real sockets' for an engine test; loopback ports 50000 and 51000 + i by default).
        public static Rig Create(int subscribers, ClientMediaTrack? track = null, Func<string, string>? editOffer = null,
            bool withAudio = false, PacketAddress? publisherAddress = null, IReadOnlyList<PacketAddress>? subscriberAddresses = null)
        {
            var rig = new Rig();
            rig.Module = new MediaModule("127.0.0.1", TimeProvider.System);
            rig.Module.Sender.Channel = rig.Channel;
            rig.Receiver = new MediaPacketReceiver(rig.Module);
            rig._publisherAddress = publisherAddress ?? PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 50000));
            var publisher = (MediaParticipant)rig.Module.AddParticipant(new MediaParticipantRequest("m", "pub", "pub"), new NullListener());
            var (server, client) = (NewKeys(), NewKeys());
            publisher.Publisher.ConnectForTesting(new SrtpSession(server, client), rig._publisherAddress);
            rig._publisherClient = new SrtpSession(client, server);
            var offerer = new ClientPeerConnection();
            ClientMediaTrack[] tracks = withAudio
                ? [track ?? ClientMediaTrack.Vp8("pub", "cam", PublisherSsrc), ClientMediaTrack.Opus("pub", "mic", AudioSsrc)]
                : [track ?? ClientMediaTrack.Vp8("pub", "cam", PublisherSsrc)];
            var offer = offerer.CreateOffer(tracks);
            var answer = publisher.AnswerPublisherOffer(editOffer is null ? offer : editOffer(offer));
            offerer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            answer.Succeeded.Should().BeTrue(answer.ErrorMessage);
            for (var i = 0; i < subscribers; i++)
            {
                var subscriber = (MediaParticipant)rig.Module.AddParticipant(new MediaParticipantRequest("m", "sub" + i, "sub"), new NullListener());
                var (s, c) = (NewKeys(), NewKeys());
                var address = subscriberAddresses?[i] ?? PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 51000 + i));
                subscriber.Subscriber.ConnectForTesting(new SrtpSession(s, c), address);
                rig._subscriberByPort[address.Port] = i;
                rig._subscriberClients.Add(new SrtpSession(c, s));
                rig.Subscribers.Add(subscriber);
            }
            rig._payload[0] = 0x10;
            return rig;
        }

        // Frame hold on (400 µs, as configured by default), the camera's first keyframe forwarded to every
        // subscriber, and the channel's counts reset.
        public void StartHolding()
        {
            Module.Sender.FrameHoldMicroseconds = 400;
            Receive(keyFrame: true).Should().Be(Subscribers.Count);
            Channel.Rtp = 0;
            Channel.Sends = 0;
        }

        // What grows once per stream, not per packet, grows here: the retransmission ring doubles while it
        // holds less than a second of the layer (issue 14), and this test's packets all come within one.
        public void WarmUp()
        {
            for (var i = 0; i * 1100 < 2 * RtpPacketCache.MaxRingBytes; i++)
                ReceiveFrame(1);
        }

        // Returns how many RTP packets left the port for this one.
        public int Receive(bool keyFrame, bool tamper = false)
        {
            _payload[1] = keyFrame ? (byte)0 : (byte)1;
            var writer = new RtpPacketWriter(_scratch, 96, _sequence++, _timestamp += 3000, PublisherSsrc, marker: true);
            writer.TryComplete(_payload, 0, out var length);
            _publisherClient.TryProtectRtp(_scratch, length, out var protectedLength, out _);
            if (tamper)
                _scratch[protectedLength - 1] ^= 1;
            Channel.Rtp = 0;
            Deliver(_scratch.AsSpan(0, protectedLength), _publisherAddress);
            return Channel.Rtp;
        }

        // One packet with this VP8 payload (descriptor included), at `sequence` (null = the next one).
        public int ReceivePayload(ReadOnlySpan<byte> payload, ushort? sequence = null, bool marker = true, byte payloadType = 96)
        {
            var writer = new RtpPacketWriter(_scratch, payloadType, sequence ?? _sequence++, _timestamp += 3000, PublisherSsrc, marker);
            writer.TryComplete(payload, 0, out var length);
            _publisherClient.TryProtectRtp(_scratch, length, out var protectedLength, out _);
            Channel.Rtp = 0;
            // A packet not forwarded sends no batch: what the last one captured is not this packet's.
            Channel.Last.Clear();
            Deliver(_scratch.AsSpan(0, protectedLength), _publisherAddress);
            return Channel.Rtp;
        }

        public ushort NextSequence => _sequence;

        // One receive batch holding `packets` delta-frame packets of one frame (marker on the last);
        // returns how many RTP packets left the port for it.
        public int ReceiveFrame(int packets)
        {
            _payload[1] = 1;
            _frameBatch.Clear();
            _timestamp += 3000;
            for (var p = 0; p < packets; p++)
            {
                var writer = new RtpPacketWriter(_scratch, 96, _sequence++, _timestamp, PublisherSsrc, marker: p == packets - 1);
                writer.TryComplete(_payload, 0, out var length);
                _publisherClient.TryProtectRtp(_scratch, length, out var protectedLength, out _);
                _frameBatch.TryAdd(_scratch.AsSpan(0, protectedLength), _publisherAddress);
            }
            Channel.Rtp = 0;
            Channel.Sends = 0;
            Receiver.OnReceived(Channel, _frameBatch);
            return Channel.Rtp;
        }

        // Packet `index` of a `count`-packet delta frame (a new frame at index 0; marker on the last
        // unless `marker` says otherwise), SRTP-protected as the publisher sends it.
        public byte[] ProtectFramePacket(int index, int count, bool? marker = null, bool keyFrame = false)
        {
            _payload[1] = keyFrame ? (byte)0 : (byte)1;
            if (index == 0)
                _timestamp += 3000;
            var writer = new RtpPacketWriter(_scratch, 96, _sequence++, _timestamp, PublisherSsrc, marker ?? index == count - 1);
            writer.TryComplete(_payload, 0, out var length);
            _publisherClient.TryProtectRtp(_scratch, length, out var protectedLength, out _);
            return _scratch.AsSpan(0, protectedLength).ToArray();
        }

        // One Opus packet as the publisher sends it (no marker: the middle of a talk spurt).
        public byte[] ProtectAudioPacket()
        {
            var writer = new RtpPacketWriter(_scratch, 111, _audioSequence++, _timestamp, AudioSsrc, marker: false);
            writer.TryComplete(_payload.AsSpan(0, 80), 0, out var length);
            _publisherClient.TryProtectRtp(_scratch, length, out var protectedLength, out _);
            return _scratch.AsSpan(0, protectedLength).ToArray();
        }

        // These datagrams from the publisher as one receive batch of a loop that can hold (the sockets
        // engine's recvmmsg loop); returns the hold's deadline (0: nothing held).
        public long DeliverHolding(params byte[][] datagrams)
        {
            _held.Clear();
            foreach (var datagram in datagrams)
                _held.TryAdd(datagram, _publisherAddress);
            return Receiver.OnReceivedHolding(Channel, _held);
        }

        // Header and payload of each packet of the last batch, as its subscriber decrypts it.
        public List<(RtpHeader Header, byte[] Payload)> DecodeLastPackets()
        {
            var packets = new List<(RtpHeader, byte[])>();
            for (var i = 0; i < Channel.Last.Count; i++)
            {
                var (bytes, port) = Channel.Last[i];
                _subscriberClients[_subscriberByPort[port]].TryUnprotectRtp(bytes, bytes.Length, out var plain, out var error).Should().BeTrue(error.ToString());
                RtpHeader.TryParse(bytes.AsSpan(0, plain), out var header).Should().BeTrue();
                packets.Add((header, header.GetPayload(bytes.AsSpan(0, plain)).ToArray()));
            }
            return packets;
        }

        public void Deliver(ReadOnlySpan<byte> datagram, PacketAddress source)
        {
            _batch.Clear();
            _batch.TryAdd(datagram, source);
            Receiver.OnReceived(Channel, _batch);
        }

        public List<RtpHeader> DecodeLastBatch()
        {
            var headers = new List<RtpHeader>();
            for (var i = 0; i < Channel.Last.Count; i++)
            {
                var (bytes, port) = Channel.Last[i];
                var session = _subscriberClients[_subscriberByPort[port]];
                session.TryUnprotectRtp(bytes, bytes.Length, out var plain, out var error).Should().BeTrue(error.ToString());
                RtpHeader.TryParse(bytes.AsSpan(0, plain), out var header).Should().BeTrue();
                headers.Add(header);
            }
            return headers;
        }

        public async ValueTask DisposeAsync() => await Module.DisposeAsync();

        private static SrtpKeyingMaterial NewKeys() =>
            new(SrtpProtectionProfile.AeadAes128Gcm, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(12));
    }

    internal sealed class CapturingChannel : IPacketChannel
    {
        public int Rtp { get; set; }

        public List<(byte[] Bytes, int Port)> Last { get; } = new(64);

        public bool Capture { get; set; }

        // The announced candidate carries this port; port 0 would mark every answered m-section rejected.
        public PacketAddress LocalAddress { get; } = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 40000));

        public PacketProtocol Protocol => PacketProtocol.Udp;

        public PacketChannelCounters Counters { get; } = new();

        public int Sends { get; set; }

        // In the last batch's send order: the most consecutive datagrams to one destination.
        public int LongestRunToOneDestination { get; private set; }

        public int Send(PacketBatch batch)
        {
            Last.Clear();
            Sends++;
            LongestRunToOneDestination = 0;
            var run = 0;
            for (var position = 0; position < batch.Count; position++)
            {
                run = position > 0 && batch.GetAddress(batch.SendIndex(position)) == batch.GetAddress(batch.SendIndex(position - 1)) ? run + 1 : 1;
                LongestRunToOneDestination = Math.Max(LongestRunToOneDestination, run);
            }
            for (var i = 0; i < batch.Count; i++)
            {
                var packet = batch[i];
                if (packet[1] is >= 192 and <= 223)
                    continue;
                Rtp++;
                if (Capture)
                    Last.Add((packet.ToArray(), batch.GetAddress(i).Port));
            }
            return batch.Count;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class NullListener : IMediaParticipantListener
    {
        public void OnSubscriberOffer(string offerSdp, ulong version)
        {
        }

        public void OnConnectionStateChanged(MediaConnectionState state)
        {
        }
    }
}
