using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Srtp;
using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Tests.Media.Protocols.Srtp;

public class SrtpContextTests
{
    // RFC 7714 §16/§17 state their vectors with session keys (no key derivation).
    internal static readonly byte[] GcmKey = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
    internal static readonly byte[] GcmSalt = Convert.FromHexString("517569642070726f2071756f");

    internal const string Rfc7714Rtp =
        "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";

    internal const string Rfc7714Srtp =
        "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf" +
        "8833899d7f27beb16a9152cf765ee4390cce";

    // §17.1 encrypts this packet (the preamble of §17 prints a slightly different one).
    private const string Rfc7714Rtcp =
        "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";

    private const string Rfc7714Srtcp =
        "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded" +
        "0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4";

    // §17.3: authenticated only, E = 0.
    private const string Rfc7714SrtcpTagOnly =
        "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeef" +
        "deadbeef841dd9683dd78ec92ae58790125f62b3000005d4";

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.GcmPaths))]
    public void Rfc7714_16_1_rtp_vector_is_protected_and_unprotected(SrtpProtectionProfile profile, string paths)
    {
        using var sender = GcmVectorContext(paths);
        using var receiver = GcmVectorContext(paths);
        var buffer = SrtpTestData.WithRoom(Convert.FromHexString(Rfc7714Rtp));

        sender.TryProtectRtp(buffer, 50, out int protectedLength, out var error).Should().BeTrue(error.ToString());
        Convert.ToHexString(buffer, 0, protectedLength).Should().BeEquivalentTo(Rfc7714Srtp);

        receiver.TryUnprotectRtp(buffer, protectedLength, out int length, out error).Should().BeTrue(error.ToString());
        Convert.ToHexString(buffer, 0, length).Should().BeEquivalentTo(Rfc7714Rtp);
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.GcmPaths))]
    public void Rfc7714_17_1_rtcp_vector_is_protected_and_unprotected(SrtpProtectionProfile profile, string paths)
    {
        using var sender = GcmVectorContext(paths);
        using var receiver = GcmVectorContext(paths);
        sender.SetNextRtcpIndex(0x4d617273, 0x5d4);
        var rtcp = Convert.FromHexString(Rfc7714Rtcp);
        var buffer = SrtpTestData.WithRoom(rtcp);

        sender.TryProtectRtcp(buffer, rtcp.Length, out int protectedLength, out var error).Should().BeTrue(error.ToString());
        Convert.ToHexString(buffer, 0, protectedLength).Should().BeEquivalentTo(Rfc7714Srtcp);

        receiver.TryUnprotectRtcp(buffer, protectedLength, out int length, out error).Should().BeTrue(error.ToString());
        Convert.ToHexString(buffer, 0, length).Should().BeEquivalentTo(Rfc7714Rtcp);
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.GcmPaths))]
    public void Rfc7714_17_3_authenticated_only_rtcp_is_accepted(SrtpProtectionProfile profile, string paths)
    {
        using var receiver = GcmVectorContext(paths);
        var buffer = Convert.FromHexString(Rfc7714SrtcpTagOnly);

        receiver.TryUnprotectRtcp(buffer, buffer.Length, out int length, out var error).Should().BeTrue(error.ToString());

        Convert.ToHexString(buffer, 0, length).Should().BeEquivalentTo(Rfc7714Rtcp);
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Rtp_round_trips_with_csrcs_extension_and_every_payload_size(SrtpProtectionProfile profile, string paths)
    {
        var keys = SrtpTestData.Keys(profile);
        using var sender = new SrtpContext(keys, SrtpTestData.Parse(paths));
        using var receiver = new SrtpContext(keys, SrtpTestData.Parse(paths));
        for (int payload = 0; payload < 300; payload += 7)
        {
            var rtp = SrtpTestData.Rtp((ushort)(1000 + payload), 0xCAFEBABE, payload, csrcCount: payload % 3, extension: payload % 2 == 0);
            var buffer = SrtpTestData.WithRoom(rtp);

            sender.TryProtectRtp(buffer, rtp.Length, out int protectedLength, out var error).Should().BeTrue(error.ToString());
            protectedLength.Should().Be(rtp.Length + sender.RtpOverhead);
            buffer.AsSpan(0, rtp.Length).SequenceEqual(rtp).Should().Be(payload == 0, "the payload is encrypted, the header is not");
            receiver.TryUnprotectRtp(buffer, protectedLength, out int length, out error).Should().BeTrue(error.ToString());

            buffer.AsSpan(0, length).ToArray().Should().Equal(rtp);
        }
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Rtcp_round_trips_and_counts_the_index_up(SrtpProtectionProfile profile, string paths)
    {
        var keys = SrtpTestData.Keys(profile);
        using var sender = new SrtpContext(keys, SrtpTestData.Parse(paths));
        using var receiver = new SrtpContext(keys, SrtpTestData.Parse(paths));
        for (uint i = 0; i < 5; i++)
        {
            var rtcp = SrtpTestData.Rtcp(0x11223344, (int)i);
            var buffer = SrtpTestData.WithRoom(rtcp);

            sender.TryProtectRtcp(buffer, rtcp.Length, out int protectedLength, out var error).Should().BeTrue(error.ToString());
            int trailer = profile == SrtpProtectionProfile.AeadAes128Gcm ? protectedLength - 4 : rtcp.Length;
            BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(trailer)).Should().Be(0x8000_0000u | i);
            receiver.TryUnprotectRtcp(buffer, protectedLength, out int length, out error).Should().BeTrue(error.ToString());

            buffer.AsSpan(0, length).ToArray().Should().Equal(rtcp);
        }
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Replayed_packet_is_rejected(SrtpProtectionProfile profile, string paths)
    {
        using var pair = new ContextPair(profile, paths);
        var (sender, receiver) = (pair.Sender, pair.Receiver);
        var wire = Protect(sender, SrtpTestData.Rtp(7, 1, 100));
        Unprotect(receiver, wire).Should().Be(SrtpError.None);

        Unprotect(receiver, wire).Should().Be(SrtpError.Replayed);
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Replayed_rtcp_is_rejected(SrtpProtectionProfile profile, string paths)
    {
        using var pair = new ContextPair(profile, paths);
        var (sender, receiver) = (pair.Sender, pair.Receiver);
        var buffer = SrtpTestData.WithRoom(SrtpTestData.Rtcp(9));
        sender.TryProtectRtcp(buffer, 48, out int length, out _).Should().BeTrue();
        var copy = (byte[])buffer.Clone();
        receiver.TryUnprotectRtcp(buffer, length, out _, out var error).Should().BeTrue(error.ToString());

        receiver.TryUnprotectRtcp(copy, length, out _, out error).Should().BeFalse();
        error.Should().Be(SrtpError.Replayed);
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Tampered_packet_is_rejected_wherever_a_bit_flips(SrtpProtectionProfile profile, string paths)
    {
        using var pair = new ContextPair(profile, paths);
        var (sender, receiver) = (pair.Sender, pair.Receiver);
        var wire = Protect(sender, SrtpTestData.Rtp(7, 1, 40, csrcCount: 1));
        for (int i = 0; i < wire.Length; i++)
        {
            var tampered = (byte[])wire.Clone();
            tampered[i] ^= 0x04;

            Unprotect(receiver, tampered).Should().BeOneOf(
                [SrtpError.AuthenticationFailed, SrtpError.Malformed], $"byte {i} was flipped");
        }

        Unprotect(receiver, wire).Should().Be(SrtpError.None, "forgeries must not have advanced the window");
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Tampered_rtcp_is_rejected(SrtpProtectionProfile profile, string paths)
    {
        using var pair = new ContextPair(profile, paths);
        var (sender, receiver) = (pair.Sender, pair.Receiver);
        var buffer = SrtpTestData.WithRoom(SrtpTestData.Rtcp(9));
        sender.TryProtectRtcp(buffer, 48, out int length, out _).Should().BeTrue();
        for (int i = 8; i < length; i++)
        {
            var tampered = (byte[])buffer.Clone();
            tampered[i] ^= 0x80;

            receiver.TryUnprotectRtcp(tampered, length, out _, out var error).Should().BeFalse($"byte {i} was flipped");
            error.Should().Be(SrtpError.AuthenticationFailed);
        }
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Rollover_counter_follows_the_sequence_wrap_and_reordering_around_it(SrtpProtectionProfile profile, string paths)
    {
        using var pair = new ContextPair(profile, paths);
        var (sender, receiver) = (pair.Sender, pair.Receiver);
        ushort[] sent = [65533, 65534, 65535, 0, 1, 2, 3];
        var wires = sent.Select(s => Protect(sender, SrtpTestData.Rtp(s, 5, 60))).ToArray();

        // Delivered as 65533, 0, 65534, 2, 65535, 1, 3: the receiver must pick ROC 1 for 0..3 and
        // ROC 0 for the late 65534/65535 that arrive after 0.
        foreach (int i in new[] { 0, 3, 1, 5, 2, 4, 6 })
        {
            var buffer = (byte[])wires[i].Clone();
            receiver.TryUnprotectRtp(buffer, buffer.Length, out int length, out var error).Should().BeTrue($"seq {sent[i]}: {error}");
            buffer.AsSpan(0, length).ToArray().Should().Equal(SrtpTestData.Rtp(sent[i], 5, 60));
        }
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Sender_reordering_around_the_wrap_keeps_the_receivers_rollover_counter(SrtpProtectionProfile profile, string paths)
    {
        using var pair = new ContextPair(profile, paths);
        var (sender, receiver) = (pair.Sender, pair.Receiver);

        // A retransmission of 65535 protected after 0 must still go out under ROC 0.
        foreach (ushort s in new ushort[] { 65534, 0, 65535, 1 })
        {
            var wire = Protect(sender, SrtpTestData.Rtp(s, 5, 60));
            Unprotect(receiver, wire).Should().Be(SrtpError.None, $"seq {s}");
        }
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Protecting_the_same_index_twice_is_refused(SrtpProtectionProfile profile, string paths)
    {
        using var sender = new SrtpContext(SrtpTestData.Keys(profile), SrtpTestData.Parse(paths));
        Protect(sender, SrtpTestData.Rtp(10, 1, 20));

        var buffer = SrtpTestData.WithRoom(SrtpTestData.Rtp(10, 1, 20));
        sender.TryProtectRtp(buffer, 32, out _, out var error).Should().BeFalse();

        error.Should().Be(SrtpError.Replayed);
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Packet_older_than_the_replay_window_is_rejected(SrtpProtectionProfile profile, string paths)
    {
        using var pair = new ContextPair(profile, paths);
        var (sender, receiver) = (pair.Sender, pair.Receiver);
        var old = Protect(sender, SrtpTestData.Rtp(100, 1, 20));
        Unprotect(receiver, Protect(sender, SrtpTestData.Rtp(100 + SrtpReplayWindow.Size, 1, 20))).Should().Be(SrtpError.None);

        Unprotect(receiver, old).Should().Be(SrtpError.TooOld);
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Packet_from_a_different_key_fails_authentication_and_creates_no_stream(SrtpProtectionProfile profile, string paths)
    {
        using var sender = new SrtpContext(SrtpTestData.Keys(profile, seed: 1), SrtpTestData.Parse(paths));
        using var receiver = new SrtpContext(SrtpTestData.Keys(profile, seed: 2), SrtpTestData.Parse(paths));
        var wire = Protect(sender, SrtpTestData.Rtp(1, 42, 100));

        Unprotect(receiver, wire).Should().Be(SrtpError.AuthenticationFailed);
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Protect_needs_room_for_the_tag(SrtpProtectionProfile profile, string paths)
    {
        using var sender = new SrtpContext(SrtpTestData.Keys(profile), SrtpTestData.Parse(paths));
        var rtp = SrtpTestData.Rtp(1, 1, 20);
        var buffer = new byte[rtp.Length + sender.RtpOverhead - 1];
        rtp.CopyTo(buffer, 0);

        sender.TryProtectRtp(buffer, rtp.Length, out _, out var error).Should().BeFalse();
        error.Should().Be(SrtpError.BufferTooSmall);
        var rtcpBuffer = new byte[48 + sender.RtcpOverhead - 1];
        SrtpTestData.Rtcp(1).CopyTo(rtcpBuffer, 0);
        sender.TryProtectRtcp(rtcpBuffer, 48, out _, out error).Should().BeFalse();
        error.Should().Be(SrtpError.BufferTooSmall);
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Truncated_packets_at_every_length_are_rejected_without_throwing(SrtpProtectionProfile profile, string paths)
    {
        using var pair = new ContextPair(profile, paths);
        var (sender, receiver) = (pair.Sender, pair.Receiver);
        var wire = Protect(sender, SrtpTestData.Rtp(3, 1, 64, csrcCount: 2, extension: true));
        var rtcpBuffer = SrtpTestData.WithRoom(SrtpTestData.Rtcp(1));
        sender.TryProtectRtcp(rtcpBuffer, 48, out int rtcpLength, out _).Should().BeTrue();

        for (int length = 0; length < wire.Length; length++)
        {
            receiver.TryUnprotectRtp(wire.AsSpan(0, length).ToArray(), length, out _, out var error).Should().BeFalse();
            error.Should().NotBe(SrtpError.None);
        }

        for (int length = 0; length < rtcpLength; length++)
        {
            receiver.TryUnprotectRtcp(rtcpBuffer.AsSpan(0, length).ToArray(), length, out _, out var error).Should().BeFalse();
            error.Should().NotBe(SrtpError.None);
        }
    }

    [Test]
    public void Random_bytes_never_throw_on_any_path()
    {
        var contexts = SrtpTestData.AllPaths()
            .Select(c => new SrtpContext(SrtpTestData.Keys((SrtpProtectionProfile)c.Arguments[0]!), SrtpTestData.Parse((string)c.Arguments[1]!)))
            .ToArray();
        try
        {
            Prop.ForAll<byte[]>(bytes =>
            {
                foreach (var context in contexts)
                {
                    var buffer = SrtpTestData.WithRoom(bytes);
                    context.TryUnprotectRtp((byte[])buffer.Clone(), bytes.Length, out _, out _);
                    context.TryUnprotectRtcp((byte[])buffer.Clone(), bytes.Length, out _, out _);
                    context.TryProtectRtp((byte[])buffer.Clone(), bytes.Length, out _, out _);
                    context.TryProtectRtcp((byte[])buffer.Clone(), bytes.Length, out _, out _);
                }
            }).QuickCheckThrowOnFailure();
        }
        finally
        {
            foreach (var context in contexts)
            {
                context.Dispose();
            }
        }
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Removed_stream_starts_over_and_accepts_a_previously_seen_index(SrtpProtectionProfile profile, string paths)
    {
        using var pair = new ContextPair(profile, paths);
        var wire = Protect(pair.Sender, SrtpTestData.Rtp(50, 9, 30));
        Unprotect(pair.Receiver, (byte[])wire.Clone()).Should().Be(SrtpError.None);

        pair.Receiver.RemoveStream(9).Should().BeTrue();

        Unprotect(pair.Receiver, wire).Should().Be(SrtpError.None);
        pair.Receiver.RemoveStream(12345).Should().BeFalse();
    }

    [Test]
    public void Length_beyond_the_buffer_is_a_programming_error()
    {
        using var context = new SrtpContext(SrtpTestData.Keys(SrtpProtectionProfile.AeadAes128Gcm));

        var act = () => context.TryProtectRtp(new byte[10], 11, out _, out _);

        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Test]
    public void Disposed_context_throws()
    {
        var context = new SrtpContext(SrtpTestData.Keys(SrtpProtectionProfile.AeadAes128Gcm));
        context.Dispose();

        var act = () => context.TryUnprotectRtp(new byte[100], 100, out _, out _);

        act.Should().Throw<ObjectDisposedException>();
    }

    private static SrtpContext GcmVectorContext(string paths)
    {
        var keys = new SrtpSessionKeys(SrtpProtectionProfile.AeadAes128Gcm, GcmKey, GcmSalt, []);
        return new SrtpContext(keys, keys, SrtpTestData.Parse(paths));
    }

    private sealed class ContextPair(SrtpProtectionProfile profile, string paths) : IDisposable
    {
        public SrtpContext Sender { get; } = new(SrtpTestData.Keys(profile), SrtpTestData.Parse(paths));

        public SrtpContext Receiver { get; } = new(SrtpTestData.Keys(profile), SrtpTestData.Parse(paths));

        public void Dispose()
        {
            Sender.Dispose();
            Receiver.Dispose();
        }
    }

    private static byte[] Protect(SrtpContext sender, byte[] rtp)
    {
        var buffer = SrtpTestData.WithRoom(rtp);
        sender.TryProtectRtp(buffer, rtp.Length, out int length, out var error).Should().BeTrue(error.ToString());
        return buffer.AsSpan(0, length).ToArray();
    }

    private static SrtpError Unprotect(SrtpContext receiver, byte[] wire)
    {
        var buffer = (byte[])wire.Clone();
        receiver.TryUnprotectRtp(buffer, buffer.Length, out _, out var error);
        return error;
    }
}
