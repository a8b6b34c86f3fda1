using Meet.Modules.Media.Mixing;
using Meet.Modules.Media.Transport;

namespace Meet.Tests.Media.Mixing;

// Issue 17 follow-up: libopus aborts the whole process on an internal assertion when one decoder or
// encoder is used from two threads at once (seen as "assertion failed: inLen >= S->Fs_in_kHz" in
// silk/resampler.c). These tests hammer a mixer and its codecs from several threads with valid and
// random Opus; before the fix they killed the test host, now every concurrent or stale call must
// be refused with a counted error, or serialised.
[TestFixture]
public sealed class MixerConcurrencyStressTests
{
    private static readonly string[] Ids = ["a", "b", "c", "d", "e"];

    // A listener that only counts: the stress is on the mixer, not on a test decoder.
    private sealed class CountingSink : IMixedAudioSink
    {
        private long _packets;

        public long Packets => Interlocked.Read(ref _packets);

        public bool SendRtcp(ReadOnlySpan<byte> rtcp, MediaSender sender) => true;

        public bool SendRtpPacket(ReadOnlySpan<byte> rtp, MediaSender sender)
        {
            Interlocked.Increment(ref _packets);
            return true;
        }
    }

    // A SILK-only narrowband 10 ms packet (TOC 0x00) of arbitrary bytes: SILK at 8 kHz is the mode
    // whose resampler asserted; random bytes after a valid TOC reach deep into the decoder.
    private static byte[] RandomPacket(Random random)
    {
        var packet = new byte[random.Next(1, 120)];
        random.NextBytes(packet);
        if (random.Next(2) == 0)
            packet[0] = (byte)(random.Next(0, 12) << 3);
        return packet;
    }

    private static void RunThreads(TimeSpan duration, params Action<Random, Func<bool>>[] bodies)
    {
        var until = DateTime.UtcNow + duration;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = bodies.Select((body, i) => new Thread(() =>
        {
            var random = new Random(i * 7919 + 1);
            try
            {
                body(random, () => DateTime.UtcNow < until);
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        failures.Should().BeEmpty();
    }

    [Test]
    public void Pushes_speaker_changes_and_mix_calls_from_several_threads_never_crash_and_close_ends_them()
    {
        var counters = new MixerCounters();
        var mixer = new AudioMixer("stress", counters);
        var sink = new CountingSink();
        mixer.AddListener(new MixListener("listener", sink, "0", 111, 1));
        mixer.AddListener(new MixListener("a", sink, "0", 111, 1));
        var mixCalls = 0L;

        void Publisher(Random random, Func<bool> running, bool valid)
        {
            using var tone = new ToneSpeaker(300 + random.Next(600));
            var sequences = new ushort[Ids.Length];
            while (running())
            {
                var speaker = random.Next(Ids.Length);
                var packet = valid ? tone.NextPacket(out _) : RandomPacket(random);
                // Mostly in order, sometimes reordered, duplicated or a jump.
                var sequence = random.Next(20) switch { 0 => (ushort)random.Next(), 1 => (ushort)(sequences[speaker] - 3), _ => sequences[speaker]++ };
                mixer.TryPush(Ids[speaker], sequence, packet);
            }
        }

        void Mixing(Random random, Func<bool> running)
        {
            var sender = new MediaSender(new MediaCounters());
            while (running())
            {
                mixer.MixFrame(sender);
                Interlocked.Increment(ref mixCalls);
            }
        }

        void Selection(Random random, Func<bool> running)
        {
            while (running())
            {
                mixer.SetSpeakers(Ids.OrderBy(_ => random.Next()).Take(random.Next(0, 4)).ToArray());
                Thread.Sleep(random.Next(0, 3));
            }
        }

        RunThreads(TimeSpan.FromSeconds(2),
            (r, running) => Publisher(r, running, valid: true),
            (r, running) => Publisher(r, running, valid: false),
            Mixing, Mixing, Selection);

        counters.FramesMixed.Should().BeGreaterThan(0);
        counters.Decodes.Should().BeGreaterThan(0);
        sink.Packets.Should().BeGreaterThan(0);

        // Close while two threads keep mixing: it waits for the frame in progress, later calls do nothing.
        var closing = 0;
        RunThreads(TimeSpan.FromMilliseconds(300),
            (r, running) => Publisher(r, running, valid: true),
            Mixing, Mixing,
            (r, running) =>
            {
                Thread.Sleep(100);
                mixer.Close();
                Volatile.Write(ref closing, 1);
            });
        var mixedAtClose = counters.FramesMixed;
        mixer.MixFrame(new MediaSender(new MediaCounters())).Should().Be(0);
        counters.FramesMixed.Should().Be(mixedAtClose, "a closed mixer mixes nothing");
        mixer.TryPush("a", 1, [0x00, 0x01]).Should().BeFalse("a closed mixer takes no packets");
    }

    [Test]
    public void A_decoder_used_from_two_threads_refuses_the_second_call_instead_of_corrupting_libopus()
    {
        using var decoder = new OpusDecoder();
        using var tone = new ToneSpeaker(440);
        var valid = Enumerable.Range(0, 50).Select(i => tone.NextPacket(out _)).ToArray();
        var succeeded = 0L;
        var refused = 0L;

        void Decoding(Random random, Func<bool> running)
        {
            var pcm = new float[MixFormat.MaxPacketSamples];
            while (running())
            {
                var result = random.Next(4) switch
                {
                    0 => decoder.Conceal(pcm),
                    1 => decoder.DecodeFec(valid[random.Next(valid.Length)], pcm),
                    2 => decoder.Decode(RandomPacket(random), pcm),
                    _ => decoder.Decode(valid[random.Next(valid.Length)], pcm),
                };
                if (result == OpusDecoder.Busy)
                    Interlocked.Increment(ref refused);
                else if (result > 0)
                    Interlocked.Increment(ref succeeded);
            }
        }

        RunThreads(TimeSpan.FromSeconds(1), Decoding, Decoding, Decoding,
            (random, running) =>
            {
                while (running())
                    decoder.Reset();
            });

        succeeded.Should().BeGreaterThan(0);
        refused.Should().BeGreaterThan(0, "three threads on one decoder overlap; the overlap is refused");
    }

    [Test]
    public void An_encoder_used_from_two_threads_refuses_the_second_call()
    {
        using var encoder = new OpusEncoder(32000, 5);
        var succeeded = 0L;
        var refused = 0L;

        void Encoding(Random random, Func<bool> running)
        {
            var pcm = new float[MixFormat.FrameSamples];
            var packet = new byte[MixFormat.MaxEncodedBytes];
            while (running())
            {
                for (var i = 0; i < pcm.Length; i++)
                    pcm[i] = (float)(random.NextDouble() - 0.5);
                var result = encoder.Encode(pcm, packet);
                if (result == OpusEncoder.Busy)
                    Interlocked.Increment(ref refused);
                else if (result > 0)
                    Interlocked.Increment(ref succeeded);
            }
        }

        RunThreads(TimeSpan.FromSeconds(1), Encoding, Encoding, Encoding);

        succeeded.Should().BeGreaterThan(0);
        refused.Should().BeGreaterThan(0);
    }

    [Test]
    public void Arguments_outside_what_libopus_accepts_are_refused_before_the_native_call()
    {
        using var decoder = new OpusDecoder();
        using var encoder = new OpusEncoder(32000, 5);
        using var tone = new ToneSpeaker(440);
        var packet = tone.NextPacket(out _);

        decoder.Decode(packet, new float[MixFormat.FrameSamples]).Should().Be(MixFormat.FrameSamples);
        decoder.Decode(packet, new float[47]).Should().Be(OpusDecoder.BufferTooSmall, "below 2.5 ms libopus has no frame size");
        decoder.Decode(packet, new float[959]).Should().Be(OpusDecoder.BufferTooSmall, "rounded down to 840 samples, too few for a 20 ms packet");
        decoder.Decode([], new float[MixFormat.FrameSamples]).Should().Be(OpusDecoder.BadArgument, "an empty packet would silently conceal 120 ms");
        decoder.Conceal(new float[MixFormat.FrameSamples - 1]).Should().Be(OpusDecoder.BufferTooSmall);
        decoder.DecodeFec(packet, new float[100]).Should().Be(OpusDecoder.BufferTooSmall);
        decoder.Conceal(new float[MixFormat.FrameSamples]).Should().Be(MixFormat.FrameSamples);

        encoder.Encode(new float[MixFormat.FrameSamples - 1], new byte[MixFormat.MaxEncodedBytes]).Should().Be(OpusEncoder.BadArgument);
        encoder.Encode(new float[MixFormat.FrameSamples], []).Should().Be(OpusEncoder.BufferTooSmall);
        encoder.Encode(new float[MixFormat.FrameSamples], new byte[MixFormat.MaxEncodedBytes]).Should().BePositive();

        decoder.Dispose();
        encoder.Dispose();
        decoder.Decode(packet, new float[MixFormat.FrameSamples]).Should().Be(OpusDecoder.Disposed);
        decoder.Conceal(new float[MixFormat.FrameSamples]).Should().Be(OpusDecoder.Disposed);
        encoder.Encode(new float[MixFormat.FrameSamples], new byte[MixFormat.MaxEncodedBytes]).Should().Be(OpusEncoder.Disposed);
        decoder.Reset();
        encoder.Reset();
    }
}
