using System.Buffers.Binary;
using System.Diagnostics;
using Meet.Benchmarks.Meeting;
using Meet.Modules.Client;
using Meet.Modules.Client.Media;
using Meet.Modules.Signaling;

namespace Meet.Benchmarks.Cluster;

// One .NET participant of the failover run: publishes a synthetic VP8 track (30 frames/s, a keyframe
// when the SFU asks with PLI/FIR) and remembers when it last received the other's video, and whether
// the roster ever showed someone leaving.
internal sealed class FailoverParticipant : IAsyncDisposable
{
    private readonly int number;
    private readonly CancellationTokenSource stop = new();
    private long lastReceivedTicks;
    // The first packet received at or after FirstAfterMark (Stopwatch ticks); 0 until then.
    private long firstAfterMark = long.MaxValue;
    private long firstAfterTicks;
    // Packets still arriving on the old node's PeerConnection after the kill are not recovery.
    private object? markSubscriber;
    private long received;
    private int keyframeRequested = 1;
    private int leftSeen;
    private int mediaMoves;
    private Task? sender;

    public FailoverParticipant(int number, Uri signaling)
    {
        this.number = number;
        Client = new MeetClient(new MeetClientOptions { BaseAddress = signaling, Transport = SignalingTransport.SignalR, AnswerSubscriberOffers = true });
        Client.SubscriberRtpReceived += OnRtp;
        Client.ParticipantUpdated += update =>
        {
            if (update.Action == ParticipantUpdateMessage.Left)
                Interlocked.Increment(ref leftSeen);
        };
        if (Environment.GetEnvironmentVariable("MEET_SERVER_LOG") == "1")
        {
            Client.MediaReconnectRequested += reason => Console.Error.WriteLine($"[client {number}] {Since()} media reconnect: {reason}");
            Client.ErrorReceived += error => Console.Error.WriteLine($"[client {number}] error {error.Code}: {error.Message}");
            Client.MediaMoved += publisher => Console.Error.WriteLine($"[client {number}] {Since()} media moved, publisher {(publisher is null ? "failed" : "connected")}");
        }
        Client.MediaMoved += publisher =>
        {
            Interlocked.Increment(ref mediaMoves);
            if (publisher is not null)
                Watch(publisher);
        };
    }

    public MeetClient Client { get; }

    private string Since() => Interlocked.Read(ref firstAfterMark) == long.MaxValue ? "" : $"+{Stopwatch.GetElapsedTime(Interlocked.Read(ref firstAfterMark)).TotalMilliseconds:F0} ms";

    // Marks a moment (the kill); FirstReceivedAfter then answers when media arrived again.
    public void MarkFrom(long ticks)
    {
        markSubscriber = Client.Subscriber;
        Interlocked.Exchange(ref firstAfterTicks, 0);
        Interlocked.Exchange(ref firstAfterMark, ticks);
    }

    public long FirstReceivedAfter(long ticks) => Interlocked.Read(ref firstAfterMark) == ticks ? Interlocked.Read(ref firstAfterTicks) : 0;

    public long LastReceivedTicks => Interlocked.Read(ref lastReceivedTicks);

    public long Received => Interlocked.Read(ref received);

    public int LeftSeen => Volatile.Read(ref leftSeen);

    public int MediaMoves => Volatile.Read(ref mediaMoves);

    private uint Ssrc => 0x20000000u + (uint)number;

    public async Task PublishAsync()
    {
        var id = Client.ParticipantId!;
        Watch(await Client.PublishAsync([ClientMediaTrack.Vp8(id, $"{id}-video", Ssrc)]));
        sender = Task.Run(SendLoopAsync);
    }

    private void Watch(ClientPeerConnection publisher)
    {
        publisher.RtcpReceived += OnPublisherRtcp;
        Volatile.Write(ref keyframeRequested, 1);
    }

    private async Task SendLoopAsync()
    {
        var buffer = new byte[SyntheticMedia.MaxPayloadSize];
        ushort sequence = 0;
        uint timestamp = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(33));
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                timestamp += 3000;
                var keyframe = Interlocked.Exchange(ref keyframeRequested, 0) == 1;
                var length = SyntheticMedia.WriteVideoPayload(buffer, 800, 0, keyframe, number);
                // The publisher changes on a failover; the sequence carries on (same SSRC, new node).
                Client.Publisher?.SendRtp(Ssrc, 96, sequence++, timestamp, marker: true, buffer.AsSpan(0, length));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void OnRtp(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 12)
            return;
        var headerLength = 12 + 4 * (packet[0] & 0x0f);
        if ((packet[0] & 0x10) != 0 && packet.Length >= headerLength + 4)
            headerLength += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(headerLength + 2)..]);
        if (headerLength >= packet.Length || !SyntheticMedia.TryReadTrailer(packet[headerLength..], out _, out var publisher, out var kind) ||
            publisher == number || kind != SyntheticMedia.VideoKind)
            return;
        var now = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref received);
        Interlocked.Exchange(ref lastReceivedTicks, now);
        if (now >= Interlocked.Read(ref firstAfterMark) && Client.Subscriber is { } current && !ReferenceEquals(current, Volatile.Read(ref markSubscriber)))
            Interlocked.CompareExchange(ref firstAfterTicks, now, 0);
    }

    // PLI (RFC 4585 §6.3.1: PT 206, FMT 1) or FIR (RFC 5104 §4.3.1: FMT 4) from the SFU.
    private void OnPublisherRtcp(ReadOnlySpan<byte> compound)
    {
        var offset = 0;
        while (offset + 4 <= compound.Length)
        {
            if (compound[offset + 1] == 206 && (compound[offset] & 0x1f) is 1 or 4)
                Volatile.Write(ref keyframeRequested, 1);
            offset += 4 * ((compound[offset + 2] << 8 | compound[offset + 3]) + 1);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (sender is not null)
            await sender.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await Client.DisposeAsync();
        stop.Dispose();
    }
}
