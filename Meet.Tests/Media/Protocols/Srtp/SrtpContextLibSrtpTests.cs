using Meet.Modules.Media.Protocols.Srtp;

namespace Meet.Tests.Media.Protocols.Srtp;

// Interop with libsrtp2 (Debian libsrtp2-1, installed by test.sh) on every crypto path, across a
// sequence-number wrap so the rollover counter changes mid-stream.
public class SrtpContextLibSrtpTests
{
    private const uint Ssrc = 0x0BADCAFE;

    // 65530 .. 65535, 0 .. 9: ROC goes 0 -> 1 after the sixth packet.
    private static readonly ushort[] Sequences = Enumerable.Range(65530, 16).Select(i => (ushort)i).ToArray();

    [Test]
    public void Policy_struct_matches_the_libsrtp_2_5_layout() => LibSrtp.PolicySize.Should().Be(128);

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Our_srtp_is_unprotected_by_libsrtp_across_the_sequence_wrap(SrtpProtectionProfile profile, string paths)
    {
        var keys = SrtpTestData.Keys(profile);
        using var ours = new SrtpContext(keys, SrtpTestData.Parse(paths));
        using var theirs = new LibSrtp(profile, keys, outbound: false);

        foreach (var (sequence, i) in Sequences.Select((s, i) => (s, i)))
        {
            var rtp = SrtpTestData.Rtp(sequence, Ssrc, 100 + (i * 37), csrcCount: i % 2, extension: i % 3 == 0);
            var buffer = SrtpTestData.WithRoom(rtp, 256);
            ours.TryProtectRtp(buffer, rtp.Length, out int length, out var error).Should().BeTrue(error.ToString());
            var replay = buffer.AsSpan(0, length).ToArray();
            var tampered = buffer.AsSpan(0, length).ToArray();
            tampered[length / 2] ^= 0x01;

            // Tampered first: rejected, and it must not use up the index of the genuine packet.
            int tamperedLength = tampered.Length;
            theirs.Unprotect(WithRoom(tampered), ref tamperedLength).Should().Be(LibSrtp.ErrAuthFail, "tampered");
            theirs.Unprotect(buffer, ref length).Should().Be(LibSrtp.ErrOk, $"seq {sequence}");
            buffer.AsSpan(0, length).ToArray().Should().Equal(rtp);
            int replayLength = replay.Length;
            theirs.Unprotect(WithRoom(replay), ref replayLength).Should().Be(LibSrtp.ErrReplayFail, "a replay");
        }
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Libsrtp_srtp_is_unprotected_by_ours_across_the_sequence_wrap(SrtpProtectionProfile profile, string paths)
    {
        var keys = SrtpTestData.Keys(profile);
        using var theirs = new LibSrtp(profile, keys, outbound: true);
        using var ours = new SrtpContext(keys, SrtpTestData.Parse(paths));

        foreach (var (sequence, i) in Sequences.Select((s, i) => (s, i)))
        {
            var rtp = SrtpTestData.Rtp(sequence, Ssrc, 100 + (i * 37), csrcCount: i % 2, extension: i % 3 == 0);
            var buffer = SrtpTestData.WithRoom(rtp, 256);
            int length = rtp.Length;
            theirs.Protect(buffer, ref length).Should().Be(LibSrtp.ErrOk);
            var replay = buffer.AsSpan(0, length).ToArray();
            var tampered = buffer.AsSpan(0, length).ToArray();
            tampered[length / 2] ^= 0x01;

            ours.TryUnprotectRtp(tampered, tampered.Length, out _, out var error).Should().BeFalse();
            error.Should().Be(SrtpError.AuthenticationFailed);
            ours.TryUnprotectRtp(buffer, length, out int plainLength, out error).Should().BeTrue($"seq {sequence}: {error}");
            buffer.AsSpan(0, plainLength).ToArray().Should().Equal(rtp);
            ours.TryUnprotectRtp(replay, replay.Length, out _, out error).Should().BeFalse();
            error.Should().Be(SrtpError.Replayed);
        }
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Libsrtp_packets_reordered_around_the_wrap_are_unprotected_by_ours(SrtpProtectionProfile profile, string paths)
    {
        var keys = SrtpTestData.Keys(profile);
        using var theirs = new LibSrtp(profile, keys, outbound: true);
        using var ours = new SrtpContext(keys, SrtpTestData.Parse(paths));
        ushort[] sent = [65533, 65534, 65535, 0, 1, 2];
        var wires = sent.Select(s =>
        {
            var buffer = SrtpTestData.WithRoom(SrtpTestData.Rtp(s, Ssrc, 80), 256);
            int length = 92;
            theirs.Protect(buffer, ref length).Should().Be(LibSrtp.ErrOk);
            return buffer.AsSpan(0, length).ToArray();
        }).ToArray();

        foreach (int i in new[] { 0, 3, 2, 4, 1, 5 })
        {
            ours.TryUnprotectRtp(wires[i], wires[i].Length, out int length, out var error).Should().BeTrue($"seq {sent[i]}: {error}");
            wires[i].AsSpan(0, length).ToArray().Should().Equal(SrtpTestData.Rtp(sent[i], Ssrc, 80));
        }
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Our_packets_reordered_around_the_wrap_are_unprotected_by_libsrtp(SrtpProtectionProfile profile, string paths)
    {
        var keys = SrtpTestData.Keys(profile);
        using var ours = new SrtpContext(keys, SrtpTestData.Parse(paths));
        using var theirs = new LibSrtp(profile, keys, outbound: false);
        ushort[] sent = [65533, 65534, 65535, 0, 1, 2];
        var wires = sent.Select(s =>
        {
            var buffer = SrtpTestData.WithRoom(SrtpTestData.Rtp(s, Ssrc, 80), 256);
            ours.TryProtectRtp(buffer, 92, out int length, out _).Should().BeTrue();
            return buffer.AsSpan(0, length).ToArray();
        }).ToArray();

        foreach (int i in new[] { 0, 3, 2, 4, 1, 5 })
        {
            var buffer = WithRoom(wires[i]);
            int length = wires[i].Length;
            theirs.Unprotect(buffer, ref length).Should().Be(LibSrtp.ErrOk, $"seq {sent[i]}");
            buffer.AsSpan(0, length).ToArray().Should().Equal(SrtpTestData.Rtp(sent[i], Ssrc, 80));
        }
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Our_srtcp_is_unprotected_by_libsrtp_and_replays_and_tampering_are_rejected(SrtpProtectionProfile profile, string paths)
    {
        var keys = SrtpTestData.Keys(profile);
        using var ours = new SrtpContext(keys, SrtpTestData.Parse(paths));
        using var theirs = new LibSrtp(profile, keys, outbound: false);

        for (int i = 0; i < 5; i++)
        {
            var rtcp = SrtpTestData.Rtcp(Ssrc, i);
            var buffer = SrtpTestData.WithRoom(rtcp, 256);
            ours.TryProtectRtcp(buffer, rtcp.Length, out int length, out var error).Should().BeTrue(error.ToString());
            var replay = buffer.AsSpan(0, length).ToArray();
            var tampered = buffer.AsSpan(0, length).ToArray();
            tampered[12] ^= 0x01;

            int tamperedLength = tampered.Length;
            theirs.UnprotectRtcp(WithRoom(tampered), ref tamperedLength).Should().Be(LibSrtp.ErrAuthFail);
            theirs.UnprotectRtcp(buffer, ref length).Should().Be(LibSrtp.ErrOk);
            buffer.AsSpan(0, length).ToArray().Should().Equal(rtcp);
            int replayLength = replay.Length;
            theirs.UnprotectRtcp(WithRoom(replay), ref replayLength).Should().Be(LibSrtp.ErrReplayFail);
        }
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.AllPaths))]
    public void Libsrtp_srtcp_is_unprotected_by_ours_and_replays_and_tampering_are_rejected(SrtpProtectionProfile profile, string paths)
    {
        var keys = SrtpTestData.Keys(profile);
        using var theirs = new LibSrtp(profile, keys, outbound: true);
        using var ours = new SrtpContext(keys, SrtpTestData.Parse(paths));

        for (int i = 0; i < 5; i++)
        {
            var rtcp = SrtpTestData.Rtcp(Ssrc, i);
            var buffer = SrtpTestData.WithRoom(rtcp, 256);
            int length = rtcp.Length;
            theirs.ProtectRtcp(buffer, ref length).Should().Be(LibSrtp.ErrOk);
            var replay = buffer.AsSpan(0, length).ToArray();
            var tampered = buffer.AsSpan(0, length).ToArray();
            tampered[12] ^= 0x01;

            ours.TryUnprotectRtcp(tampered, tampered.Length, out _, out var error).Should().BeFalse();
            error.Should().Be(SrtpError.AuthenticationFailed);
            ours.TryUnprotectRtcp(buffer, length, out int plainLength, out error).Should().BeTrue(error.ToString());
            buffer.AsSpan(0, plainLength).ToArray().Should().Equal(rtcp);
            ours.TryUnprotectRtcp(replay, replay.Length, out _, out error).Should().BeFalse();
            error.Should().Be(SrtpError.Replayed);
        }
    }

    // AES-CM only: libsrtp 2.5 has no 16-byte-tag authenticate-only GCM policy; RFC 7714 §17.3's
    // vector covers GCM with E = 0 in SrtpContextTests.
    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.CmPaths))]
    public void Libsrtp_authenticated_only_srtcp_is_accepted_by_ours_and_tampering_rejected(SrtpProtectionProfile profile, string paths)
    {
        var keys = SrtpTestData.Keys(profile);
        using var theirs = new LibSrtp(profile, keys, outbound: true, encryptRtcp: false);
        using var ours = new SrtpContext(keys, SrtpTestData.Parse(paths));
        var rtcp = SrtpTestData.Rtcp(Ssrc, 3);
        var buffer = SrtpTestData.WithRoom(rtcp, 256);
        int length = rtcp.Length;
        theirs.ProtectRtcp(buffer, ref length).Should().Be(LibSrtp.ErrOk);
        buffer.AsSpan(8, rtcp.Length - 8).ToArray().Should().Equal(rtcp.AsSpan(8).ToArray(), "E = 0 leaves the body in the clear");
        var tampered = buffer.AsSpan(0, length).ToArray();
        tampered[20] ^= 0x01;

        ours.TryUnprotectRtcp(tampered, tampered.Length, out _, out var error).Should().BeFalse();
        error.Should().Be(SrtpError.AuthenticationFailed);
        ours.TryUnprotectRtcp(buffer, length, out int plainLength, out error).Should().BeTrue(error.ToString());
        buffer.AsSpan(0, plainLength).ToArray().Should().Equal(rtcp);
    }

    private static byte[] WithRoom(byte[] packet) => SrtpTestData.WithRoom(packet, 256);
}
