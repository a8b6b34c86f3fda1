using Meet.Modules.Media.Mixing;
using Meet.Modules.Media.Transport;

namespace Meet.Tests.Media.Mixing;

// The meeting mixer of issue 17 with tone publishers and decoding listeners, frame by frame (no clock).
[TestFixture]
public sealed class AudioMixerTests
{
    private sealed class Harness : IDisposable
    {
        private readonly MediaSender _sender = new(new MediaCounters());

        public MixerCounters Counters { get; } = new();

        public AudioMixer Mixer { get; }

        public Dictionary<string, ToneSpeaker> Speakers { get; } = [];

        public Dictionary<string, CapturingMixSink> Sinks { get; } = [];

        public HashSet<string> Talking { get; } = [];

        public Harness(params (string Id, double Frequency)[] speakers)
        {
            Mixer = new AudioMixer("m", Counters);
            foreach (var (id, frequency) in speakers)
            {
                Speakers[id] = new ToneSpeaker(frequency);
                Talking.Add(id);
            }
        }

        // Each speaker's RTP SSRC: a stable number from its id.
        public static uint SsrcOf(string id) => 0x1000u + (uint)id[0];

        public CapturingMixSink Listen(string participantId)
        {
            var sink = new CapturingMixSink();
            Sinks[participantId] = sink;
            Mixer.AddListener(new MixListener(participantId, sink, "0", 111, sink.AudioLevelExtensionId));
            return sink;
        }

        // Speaker id's next packet reaches the mixer.
        public void Arrive(string id)
        {
            var packet = Speakers[id].NextPacket(out var sequence);
            Mixer.TryPush(id, sequence, packet, SsrcOf(id));
        }

        public int Step(int frames = 1)
        {
            var encodes = 0;
            for (var i = 0; i < frames; i++)
            {
                foreach (var id in Talking)
                    Arrive(id);
                encodes = Mixer.MixFrame(_sender);
            }
            return encodes;
        }

        public void Dispose()
        {
            Mixer.Dispose();
            foreach (var speaker in Speakers.Values)
                speaker.Dispose();
            foreach (var sink in Sinks.Values)
                sink.Dispose();
        }
    }

    [Test]
    public void A_listener_hears_all_three_speakers_in_one_stream()
    {
        using var harness = new Harness(("a", 440), ("b", 660), ("c", 880));
        var listener = harness.Listen("x");
        harness.Mixer.SetSpeakers(["a", "b", "c"]);
        harness.Step(40);

        var pcm = listener.LastFrames(25);
        Spectrum.Share(pcm, 440).Should().BeGreaterThan(0.2);
        Spectrum.Share(pcm, 660).Should().BeGreaterThan(0.2);
        Spectrum.Share(pcm, 880).Should().BeGreaterThan(0.2);
        listener.Packets.Select(p => p.Ssrc).Distinct().Should().HaveCount(1, "one audio stream, whoever speaks");
    }

    [Test]
    public void A_speaker_hears_the_others_but_not_their_own_voice()
    {
        using var harness = new Harness(("a", 440), ("b", 660), ("c", 880));
        var a = harness.Listen("a");
        harness.Listen("x");
        harness.Mixer.SetSpeakers(["a", "b", "c"]);
        harness.Step(40);

        var pcm = a.LastFrames(25);
        Spectrum.Share(pcm, 440).Should().BeLessThan(0.01);
        Spectrum.Share(pcm, 660).Should().BeGreaterThan(0.3);
        Spectrum.Share(pcm, 880).Should().BeGreaterThan(0.3);
    }

    [Test]
    public void Mixed_packets_list_their_speakers_as_csrcs_and_a_minus_one_mix_leaves_its_speaker_out()
    {
        using var harness = new Harness(("a", 440), ("b", 660), ("c", 880));
        var a = harness.Listen("a");
        var x = harness.Listen("x");
        harness.Mixer.SetSpeakers(["a", "b", "c"]);
        harness.Step(20);

        uint[] all = [Harness.SsrcOf("a"), Harness.SsrcOf("b"), Harness.SsrcOf("c")];
        x.Csrcs[^1].Should().BeEquivalentTo(all, "RFC 3550 §7.1: the mixer lists the sources it mixed");
        a.Csrcs[^1].Should().BeEquivalentTo(all[1..], "a's own mix does not contain a");
        // A speaker who stops talking is no longer a contributor.
        harness.Talking.Remove("c");
        harness.Step(20);
        x.Csrcs[^1].Should().BeEquivalentTo(all[..2]);
    }

    [Test]
    public void Each_listener_gets_a_sender_report_a_second_that_matches_what_it_was_sent()
    {
        using var harness = new Harness(("a", 440), ("b", 660));
        var listeners = Enumerable.Range(0, 4).Select(i => harness.Listen($"l{i}")).ToArray();
        harness.Mixer.SetSpeakers(["a", "b"]);
        harness.Step(3 * AudioMixer.SenderReportFrames);

        foreach (var listener in listeners)
        {
            listener.SenderReports.Should().HaveCount(3, "one per 50 frames (a second) per listener");
            foreach (var report in listener.SenderReports)
            {
                var last = listener.Packets[report.AfterPacket - 1];
                report.Ssrc.Should().Be(last.Ssrc);
                report.RtpTimestamp.Should().Be(last.Timestamp, "the report is sent with the frame it describes");
                report.Packets.Should().Be((uint)report.AfterPacket);
                report.Octets.Should().BeGreaterThan((uint)report.AfterPacket, "payload octets of every packet so far");
            }
            listener.SenderReports.Select(r => r.Ntp).Should().BeInAscendingOrder();
        }
        // Spread over the second: the listeners' reports do not all go out with the same frame.
        listeners.Select(l => l.SenderReports[0].AfterPacket).Distinct().Should().HaveCount(4);
    }

    [Test]
    public void Five_hundred_listeners_cost_at_most_four_encodes_per_frame()
    {
        using var harness = new Harness(("a", 440), ("b", 660), ("c", 880), ("d", 1000));
        foreach (var id in new[] { "a", "b", "c", "d" }.Concat(Enumerable.Range(0, 496).Select(i => $"l{i}")))
            harness.Listen(id);
        harness.Mixer.SetSpeakers(["a", "b", "c"]);

        harness.Step(10).Should().Be(4, "the full mix and one minus-one per speaker, however many listen");
        harness.Counters.MaxEncodesPerFrame.Should().Be(4);
        harness.Counters.Encodes.Should().Be(10 * 4);
        harness.Counters.PacketsSent.Should().Be(10 * 500);
        harness.Counters.Decodes.Should().BeLessThanOrEqualTo(10 * 3, "d is not in the top 3 and is never decoded");
    }

    [Test]
    public void A_listeners_stream_stays_continuous_across_speaker_changes()
    {
        using var harness = new Harness(("a", 440), ("b", 660), ("c", 880), ("d", 1100));
        var c = harness.Listen("c");
        var x = harness.Listen("x");
        harness.Mixer.SetSpeakers(["a", "b", "c"]);
        harness.Step(30);
        harness.Mixer.SetSpeakers(["a", "b", "d"]);
        harness.Step(30);
        harness.Mixer.SetSpeakers(["a", "c", "d"]);
        harness.Step(30);

        foreach (var sink in new[] { c, x })
        {
            sink.Packets.Select(p => p.Ssrc).Distinct().Should().HaveCount(1);
            for (var i = 1; i < sink.Packets.Count; i++)
            {
                ((ushort)(sink.Packets[i].Sequence - sink.Packets[i - 1].Sequence)).Should().Be(1);
                (sink.Packets[i].Timestamp - sink.Packets[i - 1].Timestamp).Should().Be((uint)MixFormat.FrameSamples);
            }
            sink.Packets[0].Marker.Should().BeTrue();
            sink.Packets.Skip(1).Should().OnlyContain(p => !p.Marker);
        }
        var middle = x.Pcm.Skip(50 * MixFormat.FrameSamples).Take(10 * MixFormat.FrameSamples).ToArray();
        Spectrum.Share(middle, 1100).Should().BeGreaterThan(0.2, "d replaced c");
        Spectrum.Share(middle, 880).Should().BeLessThan(0.01);
        Spectrum.Share(c.Pcm.Skip(50 * MixFormat.FrameSamples).Take(10 * MixFormat.FrameSamples).ToArray(), 1100)
            .Should().BeGreaterThan(0.2, "c left the mix and now hears the full mix");
        Spectrum.Share(c.LastFrames(10), 880).Should().BeLessThan(0.01, "c is back in and again does not hear itself");
    }

    [Test]
    public void A_speaker_change_makes_no_click()
    {
        using var harness = new Harness(("a", 440), ("b", 660), ("c", 880), ("d", 1100));
        var x = harness.Listen("x");
        harness.Mixer.SetSpeakers(["a", "b", "c"]);
        harness.Step(30);
        var before = Spectrum.MaxJump(x.LastFrames(10));
        harness.Mixer.SetSpeakers(["a", "b", "d"]);
        harness.Step(10);

        // A tone's own largest step is amplitude × 2πf / 48 kHz: about 0.08 for these three summed (and
        // `before` measures that after Opus). Cutting c and starting d without the one-frame fades
        // steps by 0.175 through the codec in this very test; with them, about 0.10.
        before.Should().BeLessThan(0.1);
        Spectrum.MaxJump(x.LastFrames(10)).Should().BeLessThan(0.14);
    }

    [Test]
    public void Packets_of_speakers_outside_the_mix_are_not_taken()
    {
        using var harness = new Harness(("a", 440), ("b", 660));
        harness.Listen("x");
        harness.Mixer.SetSpeakers(["a"]);
        harness.Step(1);
        harness.Mixer.TryPush("b", 1, [1, 2, 3]).Should().BeFalse();
        harness.Mixer.TryPush("a", 5000, [1, 2, 3]).Should().BeTrue();
    }

    [Test]
    public void Corrupt_opus_from_a_speaker_is_concealed_and_counted_without_stopping_the_mix()
    {
        using var harness = new Harness(("a", 440), ("b", 660));
        var x = harness.Listen("x");
        harness.Mixer.SetSpeakers(["a", "b"]);
        harness.Talking.Remove("b");
        var random = new Random(5);
        for (ushort i = 0; i < 40; i++)
        {
            var garbage = new byte[random.Next(1, 300)];
            random.NextBytes(garbage);
            // Code 3 with a frame count of 0 is invalid (RFC 6716 §3.2.5): libopus must refuse it.
            if (i % 4 == 0)
                garbage = [0x03, 0x00];
            harness.Mixer.TryPush("b", i, garbage);
            harness.Step();
        }
        harness.Mixer.Channel(0).DecodeErrors.Should().Be(0);
        new[] { harness.Mixer.Channel(0), harness.Mixer.Channel(1) }.Sum(c => c.DecodeErrors).Should().BePositive();
        Spectrum.Share(x.LastFrames(20), 440).Should().BeGreaterThan(0.05, "a is still heard");
        x.Packets.Should().HaveCount(40);
    }

    [Test]
    public void A_meeting_that_falls_behind_skips_frames_and_drops_a_speaker_until_it_keeps_up()
    {
        using var harness = new Harness(("a", 440), ("b", 660), ("c", 880));
        var x = harness.Listen("x");
        harness.Mixer.SetSpeakers(["a", "b", "c"]);
        harness.Step(20);

        harness.Mixer.Schedule().Should().BeTrue("idle: the clock queues it");
        harness.Mixer.Schedule().Should().BeFalse("already queued");
        harness.Mixer.Schedule().Should().BeFalse("a third owed frame means it fell behind");
        harness.Counters.FramesSkipped.Should().Be(1);
        harness.Mixer.MaxSpeakers.Should().Be(3, "one late frame is skipped, no voice is dropped for it");
        for (var i = 1; i < AudioMixer.SkipsToDrop; i++)
            harness.Mixer.Schedule().Should().BeFalse();
        harness.Counters.FramesSkipped.Should().Be(AudioMixer.SkipsToDrop);
        harness.Counters.SpeakersDropped.Should().Be(1, "it keeps falling behind");
        harness.Mixer.MaxSpeakers.Should().Be(2);
        harness.Mixer.RunOwedFrames(new MediaSender(new MediaCounters()));

        harness.Step(20);
        var degraded = x.LastFrames(10);
        Spectrum.Share(degraded, 880).Should().BeLessThan(0.01, "the third speaker is dropped while behind");
        Spectrum.Share(degraded, 440).Should().BeGreaterThan(0.2);
        var timestamps = x.Packets.Select(p => p.Timestamp).ToList();
        timestamps.Zip(timestamps.Skip(1), (p, n) => n - p).Should().Contain((uint)((AudioMixer.SkipsToDrop + 1) * MixFormat.FrameSamples), "the skipped frames' time passed");

        harness.Step(AudioMixer.RecoverFrames + 20);
        harness.Mixer.MaxSpeakers.Should().Be(3);
        Spectrum.Share(x.LastFrames(10), 880).Should().BeGreaterThan(0.2);
    }

    [Test]
    public void Skipped_frames_drop_the_speakers_audio_with_them_so_the_mix_delay_does_not_grow()
    {
        using var harness = new Harness(("a", 440), ("b", 660), ("c", 880));
        harness.Listen("x");
        harness.Mixer.SetSpeakers(["a", "b", "c"]);
        harness.Step(20);

        // Twenty frames whose packets arrive but whose mix the clock skips (the mixer was late).
        for (var i = 0; i < 20; i++)
        {
            harness.Step(2);
            foreach (var id in harness.Talking)
                harness.Arrive(id);
            harness.Mixer.OnFrameSkipped(mixerLate: false);
        }
        harness.Step(1);

        for (var k = 0; k < AudioMixer.Speakers; k++)
            harness.Mixer.Channel(k).Jitter.Depth.Should().Be(0, "each skipped frame took its packet: nothing waits behind the one just mixed");
        harness.Counters.FramesSkipped.Should().Be(20);
    }

    [Test]
    public void A_speaker_buffered_deeper_than_its_jitter_needs_is_played_back_to_no_delay_without_a_click()
    {
        using var harness = new Harness(("a", 440));
        var x = harness.Listen("x");
        harness.Mixer.SetSpeakers(["a"]);
        harness.Step(2);
        // A burst while playing: three packets arrive at once, then one per frame.
        for (var i = 0; i < 3; i++)
            harness.Arrive("a");
        harness.Step(1);
        harness.Mixer.Channel(0).Jitter.Depth.Should().Be(3, "the burst's packets wait behind the one played");

        harness.Step(4 * SpeakerJitterBuffer.ShrinkWindow);

        harness.Mixer.Channel(0).Jitter.Depth.Should().Be(0, "with no jitter seen for a second, each second plays one frame's worth faster");
        harness.Mixer.Channel(0).Jitter.Shrinks.Should().BeGreaterThanOrEqualTo(3);
        harness.Mixer.Channel(0).Jitter.Underruns.Should().Be(0);
        var heard = x.Pcm.Skip(10 * MixFormat.FrameSamples).ToArray();
        Spectrum.MaxJump(heard).Should().BeLessThan(0.05, "each shrink cut whole periods of the tone (a 0.3 tone steps by up to 0.035 per sample)");
        Spectrum.Share(heard, 440).Should().BeGreaterThan(0.8, "the tone stayed one coherent tone across the shrinks");
    }

    [Test]
    public void A_meeting_late_only_because_the_machine_gave_it_no_core_skips_frames_but_keeps_every_speaker()
    {
        using var harness = new Harness(("a", 440), ("b", 660), ("c", 880));
        harness.Listen("x");
        harness.Mixer.SetSpeakers(["a", "b", "c"]);
        harness.Step(20);

        harness.Mixer.Schedule(poolOverloaded: false).Should().BeTrue();
        for (var i = 0; i < 4 * AudioMixer.SkipsToDrop; i++)
            harness.Mixer.Schedule(poolOverloaded: false).Should().BeFalse();
        harness.Counters.FramesSkipped.Should().Be(4 * AudioMixer.SkipsToDrop - 1, "the frames the mixer could not make in time are skipped");
        harness.Counters.SpeakersDropped.Should().Be(0, "the mixers' own work is not what made them late");
        harness.Mixer.MaxSpeakers.Should().Be(3);
        harness.Mixer.RunOwedFrames(new MediaSender(new MediaCounters()));
    }

    [Test]
    public void The_pool_counts_as_overloaded_once_the_mixers_measured_cpu_needs_half_its_cores()
    {
        using var harness = new Harness(("a", 440), ("b", 660), ("c", 880));
        harness.Listen("x");
        harness.Mixer.SetSpeakers(["a", "b", "c"]);
        harness.Step(20);

        var cpu = harness.Mixer.CpuPerFrameNanoseconds;
        cpu.Should().BePositive("every mixed frame measures its thread's CPU time");
        harness.Counters.CpuFrames.Should().Be(20);
        harness.Counters.CpuNanoseconds.Should().BePositive();
        // A frame's CPU is a small share of its 20 ms, so one meeting never overloads a worker; the
        // same meeting's cost, times enough meetings to fill half of two workers, does.
        cpu.Should().BeLessThan(10_000_000);
        AudioMixerScheduler.IsOverloaded([harness.Mixer], workers: 1).Should().BeFalse();
        var meetings = (int)Math.Ceiling(AudioMixerScheduler.OverloadShare * 2 * 1e9 / (cpu * 50.0));
        AudioMixerScheduler.IsOverloaded(Enumerable.Repeat(harness.Mixer, meetings).ToArray(), workers: 2).Should().BeTrue();
        AudioMixerScheduler.IsOverloaded(Enumerable.Repeat(harness.Mixer, meetings - 1).ToArray(), workers: 2).Should().BeFalse();
    }

    [Test]
    public void The_mixed_stream_carries_its_audio_level()
    {
        using var harness = new Harness(("a", 440));
        var x = harness.Listen("x");
        harness.Mixer.SetSpeakers(["a"]);
        harness.Step(10);
        harness.Talking.Clear();
        harness.Step(20);

        x.Packets.Should().OnlyContain(p => p.Level != null);
        x.Packets[8].Level.Should().BeInRange((byte)10, (byte)20, "a 0.3 sine is about -13 dBov");
        x.Packets[^1].Level.Should().Be(127, "silence once the speaker stopped");
    }
}
