using System.Net;
using System.Security.Cryptography;
using Meet.Modules.Client.Media;
using Meet.Modules.Media;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Protocols.Srtp;
using Meet.PacketEngine;
using Microsoft.Extensions.Time.Testing;

namespace Meet.Tests.Media.Internal;

// Issue 14: the server's managed memory per participant, measured in process and deterministically (no
// sockets, no timers): a meeting of the seed-1000 shape in miniature — a tenth cameras publishing the
// seed's three simulcast layers + Opus with RTX and transport-wide sequence numbers, the rest viewers,
// bounded slots — every subscriber PeerConnection negotiated and connected, and media forwarded to all.
// What stays reachable after a full collection, divided by the participants, is what each one costs.
[TestFixture]
public sealed class ParticipantMemoryTests
{
    private const int Cameras = 10;
    private const int Viewers = 90;
    private const int PacketsPerLayer = 30;

    // Before issue 14's second pass this was ≈ 330 KiB: a 200 KiB send history per subscriber, a 64 KiB
    // transport-cc ring per publisher transport (viewers too) and 256 KiB retransmission rings per layer.
    private const int MaxBytesPerParticipant = 64 * 1024;

    [Test]
    public async Task A_participant_of_a_large_meeting_costs_the_server_well_under_64_KiB_of_managed_memory()
    {
        await using var meeting = new MiniatureMeeting();
        // Everything a meeting touches once per process (JIT, static tables, the first router) comes
        // from a warm-up meeting before the baseline.
        meeting.Run("warm-up", cameras: 1, viewers: 1);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var participants = meeting.Run("measured", Cameras, Viewers);

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perParticipant = (after - before) / (double)participants;
        TestContext.Progress.WriteLine($"managed bytes per participant: {perParticipant / 1024:F1} KiB ({participants} participants, {meeting.Forwarded} RTP packets forwarded)");
        meeting.Forwarded.Should().BeGreaterThan(Cameras * Viewers * PacketsPerLayer, "media reached the viewers");
        perParticipant.Should().BeLessThan(MaxBytesPerParticipant);
        GC.KeepAlive(meeting);
    }

    private sealed class MiniatureMeeting : IAsyncDisposable
    {
        private static readonly string[] Rids = ["q", "h", "f"];
        private readonly MediaModule _module;
        private readonly MediaPacketReceiver _receiver;
        private readonly MediaPacketReceiverTests.CapturingChannel _channel = new();
        private readonly List<SimulatedSubscriber> _participants = [];
        private readonly PacketBatch _batch = new(1);
        private readonly byte[] _scratch = new byte[PacketBatch.DefaultSlotSize];
        private readonly byte[] _payload = new byte[1000];
        private int _port = 50000;

        public MiniatureMeeting()
        {
            _module = new MediaModule("127.0.0.1", new FakeTimeProvider(), boundedSlots: true);
            _module.Sender.Channel = _channel;
            _receiver = new MediaPacketReceiver(_module);
        }

        public long Forwarded { get; private set; }

        public int Run(string meetingId, int cameras, int viewers)
        {
            var publishers = new List<(MediaParticipant Participant, SrtpSession Client, PacketAddress Address, uint Ssrc, uint AudioSsrc)>();
            for (var i = 0; i < cameras + viewers; i++)
            {
                var id = $"{meetingId}-{i}";
                var listener = new SimulatedSubscriber(id, _module.Certificate.Fingerprint);
                var participant = (MediaParticipant)_module.AddParticipant(new MediaParticipantRequest(meetingId, id, id), listener);
                listener.Media = participant;
                _participants.Add(listener);
                var (server, client) = (NewKeys(), NewKeys());
                participant.Subscriber.ConnectForTesting(new SrtpSession(server, client), NextAddress());
                if (i >= cameras)
                    continue;
                var address = NextAddress();
                participant.Publisher.ConnectForTesting(new SrtpSession(server, client), address);
                var audioSsrc = 0x2000_0000u + (uint)_participants.Count;
                publishers.Add((participant, new SrtpSession(client, server), address, 0x1000_0000u + (uint)(_participants.Count * 16), audioSsrc));
                var offerer = new ClientPeerConnection(IPAddress.Loopback) { TransportWideCc = true };
                var offer = offerer.CreateOffer([ClientMediaTrack.Vp8Simulcast(id, "cam", Rids), ClientMediaTrack.Opus(id, "mic", audioSsrc)]);
                offerer.DisposeAsync().AsTask().GetAwaiter().GetResult();
                var answer = participant.AnswerPublisherOffer(offer);
                answer.Succeeded.Should().BeTrue(answer.ErrorMessage);
            }
            AnswerOffers();
            ushort sequence = 1;
            for (var p = 0; p < PacketsPerLayer; p++, sequence++)
            {
                foreach (var (_, client, address, ssrc, audioSsrc) in publishers)
                {
                    for (var layer = 0; layer < Rids.Length; layer++)
                        Send(client, address, ssrc + (uint)layer, 96, sequence, "0", Rids[layer], keyFrame: p == 0);
                    Send(client, address, audioSsrc, 111, sequence, "1", null, keyFrame: false);
                }
                if (p == 0)
                {
                    // The selection and the slots follow the first media, as the module's tick does.
                    var router = publishers[0].Participant.Router;
                    using (router.Enter())
                        router.Tick(MediaModule.TickInterval, reports: false);
                    AnswerOffers();
                }
            }
            Forwarded += _channel.Rtp;
            _channel.Rtp = 0;
            return cameras + viewers;
        }

        private void AnswerOffers()
        {
            foreach (var participant in _participants)
            {
                // Not AnswerNext: it keeps every offer for the test's checks, which is not the server's memory.
                while (participant.TryTakeOffer(out var offer))
                    participant.Media.ApplySubscriberAnswer(participant.Answer(offer.Sdp), offer.Version).Succeeded.Should().BeTrue();
            }
        }

        // One packet as Chrome sends a simulcast layer: mid and rid extensions, a transport-wide number.
        private void Send(SrtpSession client, PacketAddress address, uint ssrc, byte payloadType, ushort sequence, string mid, string? rid, bool keyFrame)
        {
            _payload[0] = 0x10;
            _payload[1] = keyFrame ? (byte)0 : (byte)1;
            var writer = new RtpPacketWriter(_scratch, payloadType, sequence, sequence * 3000u, ssrc, marker: true);
            writer.AddExtension(ClientPeerConnection.MidExtensionId, System.Text.Encoding.ASCII.GetBytes(mid));
            if (rid is not null)
                writer.AddExtension(ClientPeerConnection.RidExtensionId, System.Text.Encoding.ASCII.GetBytes(rid));
            writer.AddExtension(ClientPeerConnection.TransportWideCcExtensionId, [(byte)(sequence >> 8), (byte)sequence]);
            writer.TryComplete(payloadType == 96 ? _payload : _payload.AsSpan(0, 80), 0, out var length);
            client.TryProtectRtp(_scratch, length, out var protectedLength, out _).Should().BeTrue();
            _batch.Clear();
            _batch.TryAdd(_scratch.AsSpan(0, protectedLength), address);
            _receiver.OnReceived(_channel, _batch);
        }

        private PacketAddress NextAddress() => PacketAddress.FromEndPoint(new IPEndPoint(IPAddress.Loopback, _port++));

        public ValueTask DisposeAsync() => _module.DisposeAsync();

        private static SrtpKeyingMaterial NewKeys() =>
            new(SrtpProtectionProfile.AeadAes128Gcm, RandomNumberGenerator.GetBytes(16), RandomNumberGenerator.GetBytes(12));
    }
}
