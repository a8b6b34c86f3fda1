using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Meet.Modules.Media;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Protocols.Srtp;
using Meet.Modules.Media.Routing;
using Meet.Modules.Storage;
using Meet.PacketEngine;
using Meet.Tests.Media.Protocols.Ice;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Meet.Tests.Media.Internal;

// Issue 11: the SFU's quality events for participant_quality_logs — a loss alert when a window's loss
// reaches the threshold, ICE restarts, media disconnects — queued off the packet path and written in
// batches; a full queue or a failing database drops and counts, never blocks.
[TestFixture]
public sealed class MediaParticipantQualityTests
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    // Video packets with every lossEvery-th sequence number missing (0 = none).
    private static void SendVideo(InMemorySfu sfu, string publisherId, ref ushort sequence, int count, int lossEvery)
    {
        var producer = sfu.Participants[publisherId].Server.Producers.Single(p => p.Kind == MediaKind.Video);
        var buffer = new byte[200];
        for (var i = 0; i < count; i++, sequence++)
        {
            if (lossEvery > 0 && sequence % lossEvery == 0)
                continue;
            var writer = new RtpPacketWriter(buffer, 96, sequence, sequence * 3000u, 0x3333, marker: false);
            writer.TryComplete(new byte[] { 0x10, 0x01, 0, 0 }, 0, out var length).Should().BeTrue();
            RtpHeader.TryParse(buffer.AsSpan(0, length), out var header).Should().BeTrue();
            producer.OnRtp(buffer.AsSpan(0, length), header, 0, sfu.Module.Sender);
        }
    }

    private static async Task<InMemorySfu> MeetingAsync()
    {
        var sfu = new InMemorySfu(AnswerTimeout);
        sfu.Join("alice");
        sfu.Publish("alice");
        await Task.CompletedTask;
        return sfu;
    }

    [Test]
    public async Task A_window_with_loss_over_the_threshold_queues_one_packet_loss_alert_with_loss_and_codec()
    {
        await using var sfu = await MeetingAsync();
        var alice = sfu.Participants["alice"].Server;
        ushort sequence = 1;
        SendVideo(sfu, "alice", ref sequence, 100, lossEvery: 0);
        alice.OnTick(reports: true);
        // A clean window: no alert.
        SendVideo(sfu, "alice", ref sequence, 100, lossEvery: 0);
        sfu.Time.Advance(sfu.Module.QualityWindow);
        alice.OnTick(reports: true);
        sfu.Module.QualityLog.Count.Should().Be(0);

        // 10 % of the next window's packets never arrive (the seed's default threshold is 5 %).
        SendVideo(sfu, "alice", ref sequence, 200, lossEvery: 10);
        sfu.Time.Advance(sfu.Module.QualityWindow);
        alice.OnTick(reports: true);

        var log = sfu.Module.QualityLog.Take(10).Should().ContainSingle().Subject;
        (log.MeetingId, log.UserId, log.EventType, log.CodecInUse).Should().Be((InMemorySfu.MeetingId, "alice", ParticipantQualityLog.PacketLossAlert, "VP8"));
        log.PacketLossPercentage.Should().BeInRange(9m, 11m);
        log.CreatedAt.Should().Be(sfu.Time.GetUtcNow());
    }

    [Test]
    public async Task An_ice_restart_is_logged()
    {
        await using var sfu = await MeetingAsync();
        var alice = sfu.Participants["alice"];
        var offer = sfu.PublisherOffer("alice", 2, videoSending: true);
        offer = Regex.Replace(offer, "a=ice-ufrag:[^\r]+", "a=ice-ufrag:restart1");
        offer = Regex.Replace(offer, "a=ice-pwd:[^\r]+", "a=ice-pwd:restartrestartrestartrestart");
        alice.Media.AnswerPublisherOffer(offer).Succeeded.Should().BeTrue();

        sfu.Module.QualityLog.Take(10).Select(l => l.EventType).Should().Equal(ParticipantQualityLog.IceRestart);
    }

    [Test]
    public async Task A_media_connection_that_drops_logs_one_disconnect_with_the_codec()
    {
        await using var sfu = await MeetingAsync();
        var alice = sfu.Participants["alice"].Server;
        foreach (var (transport, port) in new[] { (alice.Publisher, 50001), (alice.Subscriber, 50002) })
        {
            var address = PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, port));
            transport.ConnectForTesting(new SrtpSession(NewKeys(), NewKeys()), address);
            // A nominating check (as the browser sends) starts ICE consent on the path.
            var local = transport.LocalIce;
            transport.HandleStun(IceTestPeer.Check(local.Ufrag + ":peer", local.Password, useCandidate: true, controlled: false), address, sfu.Module.Sender);
        }
        sfu.Module.QualityLog.Count.Should().Be(0, "connecting is no quality event");

        // RFC 7675: no consent check from the subscriber's browser for 30 s.
        sfu.Time.Advance(TimeSpan.FromSeconds(31));
        alice.Subscriber.CheckConsent();
        alice.Subscriber.State.Should().Be(MediaConnectionState.Disconnected);

        var log = sfu.Module.QualityLog.Take(10).Should().ContainSingle().Subject;
        (log.MeetingId, log.UserId, log.EventType, log.CodecInUse).Should().Be((InMemorySfu.MeetingId, "alice", ParticipantQualityLog.Disconnect, "VP8"));
        log.CreatedAt.Should().Be(sfu.Time.GetUtcNow());

        // The other PeerConnection going too is the same disconnect, not a second row.
        alice.Publisher.CheckConsent();
        sfu.Module.QualityLog.Count.Should().Be(0);
    }

    private static SrtpKeyingMaterial NewKeys() =>
        new(SrtpProtectionProfile.AeadAes128Gcm, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(12));

    [Test]
    public void A_full_queue_drops_and_counts_instead_of_growing()
    {
        var queue = new QualityLogQueue();
        var log = new ParticipantQualityLog(0, "m", "p", ParticipantQualityLog.Disconnect, 0, 0, null, DateTimeOffset.UnixEpoch);
        for (var i = 0; i < QualityLogQueue.Capacity + 5; i++)
            queue.Add(log);
        (queue.Count, queue.Enqueued, queue.Dropped).Should().Be((QualityLogQueue.Capacity, QualityLogQueue.Capacity, 5L));
    }

    [Test]
    public async Task The_writer_stores_in_batches_and_a_failing_database_drops_and_counts()
    {
        await using var module = new MediaModule("127.0.0.1", TimeProvider.System);
        var log = new ParticipantQualityLog(0, "m", "p", ParticipantQualityLog.Disconnect, 0, 0, null, DateTimeOffset.UnixEpoch);
        for (var i = 0; i < QualityLogWriter.BatchSize + 1; i++)
            module.QualityLog.Add(log);
        var writer = new QualityLogWriter(module, new ServiceCollection().BuildServiceProvider(), NullLogger<QualityLogWriter>.Instance);
        var repository = new RecordingRepository();

        await writer.FlushAsync(repository, CancellationToken.None);
        repository.Batches.Select(b => b.Count).Should().Equal(QualityLogWriter.BatchSize, 1);
        module.QualityLog.Written.Should().Be(QualityLogWriter.BatchSize + 1);

        module.QualityLog.Add(log);
        repository.Fail = true;
        await writer.FlushAsync(repository, CancellationToken.None);
        module.QualityLog.Add(log);
        await writer.FlushAsync(null, CancellationToken.None);
        (module.QualityLog.Failed, module.QualityLog.Count).Should().Be((2L, 0));
    }

    private sealed class RecordingRepository : IQualityLogRepository
    {
        public List<IReadOnlyList<ParticipantQualityLog>> Batches { get; } = [];

        public bool Fail { get; set; }

        public Task AddAsync(IReadOnlyList<ParticipantQualityLog> logs, CancellationToken cancellationToken)
        {
            if (Fail)
                throw new InvalidOperationException("database down");
            Batches.Add([.. logs]);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<ParticipantQualityLog>> ListAsync(string meetingId, long? beforeLogId, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ParticipantQualityLog>>([]);
    }
}
