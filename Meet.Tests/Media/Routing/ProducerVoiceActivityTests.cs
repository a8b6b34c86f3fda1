using Meet.Modules.Media.Protocols.Rtp;
using Meet.Modules.Media.Routing;
using Meet.Tests.Media.Internal;

namespace Meet.Tests.Media.Routing;

// Voice activity per selection tick (issue 10): a 50 ms tick expects 2.5 Opus packets of 20 ms, so
// packets arrive 3, 2, 3, 2 per tick; what does not fit one tick carries into the next instead of being
// clipped away, so steady speech reads as 1.0 every tick, not 1.0 and 0.8 in turn.
[TestFixture]
public sealed class ProducerVoiceActivityTests
{
    private static readonly TimeSpan SelectionTick = TimeSpan.FromMilliseconds(50);

    private static void Send(InMemorySfu sfu, Producer producer, int packets, byte level, ref ushort sequence)
    {
        var buffer = new byte[200];
        for (var i = 0; i < packets; i++)
        {
            var writer = new RtpPacketWriter(buffer, 111, sequence, sequence * 960u, 0x1111, marker: false);
            sequence++;
            writer.AddExtension(InMemorySfu.AudioLevelExtensionId, [level]);
            writer.TryComplete(new byte[40], 0, out var length).Should().BeTrue();
            RtpHeader.TryParse(buffer.AsSpan(0, length), out var header).Should().BeTrue();
            producer.OnRtp(buffer.AsSpan(0, length), header, 0, sfu.Module.Sender);
        }
    }

    [Test]
    public async Task Steady_speech_reads_as_full_activity_at_the_50_ms_tick_and_silence_as_none()
    {
        await using var sfu = new InMemorySfu(TimeSpan.FromSeconds(5));
        sfu.Join("a");
        sfu.Publish("a");
        var producer = sfu.Participants["a"].Server.Producers.Single(p => p.Kind == MediaKind.Audio);
        ushort sequence = 0;

        for (var tick = 0; tick < 10; tick++)
        {
            Send(sfu, producer, tick % 2 == 0 ? 3 : 2, 20, ref sequence);
            producer.TakeVoiceActivity(SelectionTick).Should().Be(1.0, $"tick {tick}: 50 packets/s of speech is full activity");
        }
        Send(sfu, producer, 3, 20, ref sequence);
        producer.TakeVoiceActivity(SelectionTick).Should().Be(1.0);
        producer.TakeVoiceActivity(SelectionTick).Should().Be(0.2, "the half packet carried over, then nothing");
        producer.TakeVoiceActivity(SelectionTick).Should().Be(0);
        Send(sfu, producer, 3, 127, ref sequence);
        producer.TakeVoiceActivity(SelectionTick).Should().Be(0, "silent packets (level 127) are not voice");
    }
}
