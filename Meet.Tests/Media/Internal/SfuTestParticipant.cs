using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Threading.Channels;
using Meet.Modules.Client.Media;
using Meet.Modules.Media;
using Meet.Modules.Media.Protocols.Rtcp;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Media.Internal;

// One participant of a test call: the server side (IMediaParticipant + a recording listener) and the
// client side (a publisher and a subscriber ClientPeerConnection on loopback).
internal sealed class SfuTestParticipant : IMediaParticipantListener, IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly Channel<string> _offers = Channel.CreateUnbounded<string>();
    private readonly ConcurrentQueue<(uint Ssrc, ushort Sequence, uint Timestamp, bool KeyFrame)> _received = new();
    private readonly ConcurrentQueue<uint> _plis = new();

    public SfuTestParticipant(IMediaModule module, string meetingId, string participantId)
    {
        Id = participantId;
        PublisherPc = new ClientPeerConnection();
        SubscriberPc = new ClientPeerConnection();
        SubscriberPc.RtpReceived += packet =>
        {
            if (RtpHeader.TryParse(packet, out var header))
            {
                var key = Vp8PayloadDescriptor.TryParse(header.GetPayload(packet), out var vp8) && vp8.IsKeyFrame;
                _received.Enqueue((header.Ssrc, header.SequenceNumber, header.Timestamp, key));
            }
        };
        PublisherPc.RtcpReceived += compound =>
        {
            var reader = new RtcpCompoundReader(compound);
            while (reader.MoveNext())
            {
                if (reader.Current.PacketType == RtcpPacketType.PayloadSpecificFeedback && RtcpPli.TryParse(reader.CurrentPacket, out var pli))
                    _plis.Enqueue(pli.MediaSsrc);
            }
        };
        Media = module.AddParticipant(new MediaParticipantRequest(meetingId, participantId, participantId), this);
    }

    public string Id { get; }

    public IMediaParticipant Media { get; }

    public ClientPeerConnection PublisherPc { get; }

    public ClientPeerConnection SubscriberPc { get; }

    public ConcurrentQueue<MediaConnectionState> States { get; } = new();

    public IReadOnlyCollection<(uint Ssrc, ushort Sequence, uint Timestamp, bool KeyFrame)> Received => _received;

    public IReadOnlyCollection<uint> PlisReceived => _plis;

    public string? LastPublisherAnswer { get; private set; }

    public void OnSubscriberOffer(string offerSdp, ulong version) => _offers.Writer.TryWrite(offerSdp);

    public void OnConnectionStateChanged(MediaConnectionState state) => States.Enqueue(state);

    public async Task PublishAsync(params ClientMediaTrack[] tracks)
    {
        var result = Media.AnswerPublisherOffer(PublisherPc.CreateOffer(tracks));
        result.Succeeded.Should().BeTrue(result.ErrorMessage);
        LastPublisherAnswer = result.Sdp;
        PublisherPc.ApplyAnswer(result.Sdp!);
        (await PublisherPc.Connected.WaitAsync(Timeout)).Should().BeTrue("the publisher PC must connect");
    }

    // Answers every subscriber offer that arrives, until `expected` remote tracks are offered.
    public async Task SubscribeAsync(int expectedTracks)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        while (SubscriberPc.RemoteTracks.Count < expectedTracks)
        {
            var offer = await _offers.Reader.ReadAsync(cancel.Token);
            var result = Media.ApplySubscriberAnswer(SubscriberPc.AnswerOffer(offer), 0);
            result.Succeeded.Should().BeTrue(result.ErrorMessage);
        }
        (await SubscriberPc.Connected.WaitAsync(Timeout)).Should().BeTrue("the subscriber PC must connect");
    }

    public bool TryTakeOffer(out string offer) => _offers.Reader.TryRead(out offer!);

    public async ValueTask DisposeAsync()
    {
        await Media.DisposeAsync();
        await PublisherPc.DisposeAsync();
        await SubscriberPc.DisposeAsync();
    }

    // A minimal VP8 RTP payload: descriptor byte S=1 PID=0 (RFC 7741 §4.2), then the VP8 frame header
    // whose first bit P is 0 for a keyframe (RFC 6386 §9.1).
    public static byte[] Vp8Payload(bool keyFrame, int size = 200)
    {
        var payload = new byte[size];
        payload[0] = 0x10;
        payload[1] = keyFrame ? (byte)0x00 : (byte)0x01;
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(2), 0x9d01);
        return payload;
    }
}
