using System.Net;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Meet.Modules.Client.Media;
using Meet.Modules.Media;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Protocols.Srtp;
using Meet.PacketEngine;

namespace Meet.Benchmarks.Media;

// The SFU's forwarding path without sockets: one SRTP packet from a publisher enters the media port's
// receiver (demultiplex, unprotect once, producer, consumers) and leaves as N rewritten and
// separately protected packets in the send batch, handed to a channel that discards them.
// The baseline is what the benchmark itself does per packet (write + protect as the publisher would).
[MemoryDiagnoser]
public class ForwardingBenchmarks
{
    private const uint PublisherSsrc = 0x1122_3344;
    private byte[] _payload = [];
    private readonly PacketBatch _batch = new(1);
    private readonly byte[] _scratch = new byte[PacketBatch.DefaultSlotSize];
    private MediaModule _module = null!;
    private MediaPacketReceiver _receiver = null!;
    private DiscardChannel _channel = null!;
    private SrtpSession _publisherClient = null!;
    private PacketAddress _publisherAddress;
    private ushort _sequence = 1;
    private uint _timestamp = 90000;
    private int _pictureId;
    private byte _tl0PicIdx;

    [Params(1, 10, 50)]
    public int Subscribers { get; set; }

    // Issue 14: an Opus-sized packet as well as a video one, each with the subscribers' SRTP encryption
    // left to the multi-buffer batch (Media:BatchSrtp, the default) or done packet by packet.
    [Params(100, 1100)]
    public int PayloadSize { get; set; }

    [Params(false, true)]
    public bool BatchSrtp { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _payload = new byte[PayloadSize];
        _module = new MediaModule("127.0.0.1", TimeProvider.System);
        _module.Sender.BatchSrtp = BatchSrtp;
        _channel = new DiscardChannel();
        _module.Sender.Channel = _channel;
        _receiver = new MediaPacketReceiver(_module);
        _publisherAddress = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 50000));

        var publisher = (MediaParticipant)_module.AddParticipant(new MediaParticipantRequest("m", "pub", "pub"), NullListener.Instance);
        var (serverKeys, clientKeys) = (NewKeys(), NewKeys());
        publisher.Publisher.ConnectForTesting(new SrtpSession(serverKeys, clientKeys), _publisherAddress);
        _publisherClient = new SrtpSession(clientKeys, serverKeys);
        var client = new ClientPeerConnection();
        var answer = publisher.AnswerPublisherOffer(client.CreateOffer([ClientMediaTrack.Vp8("pub", "cam", PublisherSsrc)]));
        client.DisposeAsync().AsTask().GetAwaiter().GetResult();
        if (!answer.Succeeded)
            throw new InvalidOperationException(answer.ErrorMessage);

        for (var i = 0; i < Subscribers; i++)
        {
            var subscriber = (MediaParticipant)_module.AddParticipant(new MediaParticipantRequest("m", "sub" + i, "sub"), NullListener.Instance);
            subscriber.Subscriber.ConnectForTesting(new SrtpSession(NewKeys(), NewKeys()),
                PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 51000 + i)));
        }
        // One keyframe so every consumer starts; after that, delta frames.
        Receive(keyFrame: true);
        if (_channel.Sent < Subscribers)
            throw new InvalidOperationException($"forwarded {_channel.Sent} of {Subscribers}");
    }

    [Benchmark(Baseline = true)]
    public int PublisherProtectOnly()
    {
        var writer = new RtpPacketWriter(_scratch, 96, _sequence++, _timestamp += 3000, PublisherSsrc, marker: true);
        writer.TryComplete(_payload, 0, out var length);
        _publisherClient.TryProtectRtp(_scratch, length, out var protectedLength, out _);
        return protectedLength;
    }

    [Benchmark]
    public long ForwardToSubscribers() => Receive(keyFrame: false);

    // Each packet is one frame with the VP8 payload descriptor Chromium sends for L1T3 simulcast
    // (RFC 7741 §4.2: 15-bit picture id, TL0PICIDX, TID in the pattern 0-2-1-2), so the forwarding cost
    // includes parsing and rewriting it.
    private long Receive(bool keyFrame)
    {
        var temporalLayer = (_pictureId & 3) switch { 0 => 0, 2 => 1, _ => 2 };
        if (temporalLayer == 0)
            _tl0PicIdx++;
        _payload[0] = 0x90;
        _payload[1] = 0xE0;
        _payload[2] = (byte)(0x80 | (_pictureId >> 8));
        _payload[3] = (byte)_pictureId;
        _payload[4] = _tl0PicIdx;
        _payload[5] = (byte)(temporalLayer << 6 | (temporalLayer > 0 ? 0x20 : 0));
        _payload[6] = keyFrame ? (byte)0 : (byte)1;
        _pictureId = (_pictureId + 1) & 0x7FFF;
        var writer = new RtpPacketWriter(_scratch, 96, _sequence++, _timestamp += 3000, PublisherSsrc, marker: true);
        writer.TryComplete(_payload, 0, out var length);
        _publisherClient.TryProtectRtp(_scratch, length, out var protectedLength, out _);
        _batch.Clear();
        _batch.TryAdd(_scratch.AsSpan(0, protectedLength), _publisherAddress);
        _receiver.OnReceived(_channel, _batch);
        return _channel.Sent;
    }

    [GlobalCleanup]
    public void Cleanup() => _module.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static SrtpKeyingMaterial NewKeys() =>
        new(SrtpProtectionProfile.AeadAes128Gcm, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(12));

    private sealed class NullListener : IMediaParticipantListener
    {
        public static readonly NullListener Instance = new();

        public void OnSubscriberOffer(string offerSdp, ulong version)
        {
        }

        public void OnConnectionStateChanged(MediaConnectionState state)
        {
        }
    }

    private sealed class DiscardChannel : IPacketChannel
    {
        public long Sent { get; private set; }

        // The announced candidate carries this port; port 0 would mark every answered m-section rejected.
        public PacketAddress LocalAddress { get; } = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, 40000));

        public PacketProtocol Protocol => PacketProtocol.Udp;

        public PacketChannelCounters Counters { get; } = new();

        public int Send(PacketBatch batch)
        {
            Sent += batch.Count;
            return batch.Count;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
