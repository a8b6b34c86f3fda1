using Meet.Modules.Media.Protocols.Srtp;
using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Tests.Media.Protocols.Srtp;

// Issue 14: protect left to a multi-buffer batch (SrtpContext.TryProtectRtp with an AesNiGcmBatch) must
// put out exactly the per-packet path's bytes, which libsrtp2 must accept, for a fan-out's mix of
// subscribers (keys), sizes, headers and sequence numbers across the wrap.
public class SrtpContextBatchTests
{
    [Test]
    public void Rfc7714_16_1_rtp_vector_comes_out_of_the_batch()
    {
        var keys = new SrtpSessionKeys(SrtpProtectionProfile.AeadAes128Gcm, SrtpContextTests.GcmKey, SrtpContextTests.GcmSalt, []);
        using var sender = new SrtpContext(keys, keys, new SrtpCryptoPaths(SrtpCipherPath.Vaes, SrtpMacPath.Auto));
        var buffer = SrtpTestData.WithRoom(Convert.FromHexString(SrtpContextTests.Rfc7714Rtp));
        var batch = new AesNiGcmBatch();

        sender.TryProtectRtp(buffer, 50, batch, out int protectedLength, out var error).Should().BeTrue(error.ToString());
        batch.Count.Should().Be(AesNiGcmBatch.IsSupported ? 1 : 0);
        batch.EncryptAll();

        Convert.ToHexString(buffer, 0, protectedLength).Should().BeEquivalentTo(SrtpContextTests.Rfc7714Srtp);
    }

    // Random flushes of a fan-out: each round, some incoming packets go to a random set of subscribers;
    // the batch's output must equal a twin context's per-packet output (EVP and 128-bit AES-NI, chosen
    // per subscriber) and be unprotected by libsrtp2.
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Random_fan_out_flushes_equal_the_per_packet_path_and_libsrtp2_accepts_them(int seed)
    {
        var random = new Random(seed * 7919);
        const int subscribers = 11;
        var senders = new SrtpContext[subscribers];
        var twins = new SrtpContext[subscribers];
        var receivers = new LibSrtp[subscribers];
        var sequences = new ushort[subscribers];
        for (var s = 0; s < subscribers; s++)
        {
            var keys = SrtpTestData.Keys(SrtpProtectionProfile.AeadAes128Gcm, (byte)(seed * 31 + s));
            senders[s] = new SrtpContext(keys);
            twins[s] = new SrtpContext(keys, new SrtpCryptoPaths(s % 2 == 0 ? SrtpCipherPath.OpenSsl : SrtpCipherPath.AesNi, SrtpMacPath.Auto));
            receivers[s] = new LibSrtp(SrtpProtectionProfile.AeadAes128Gcm, keys, outbound: false);
            // Start near the wrap so the ROC changes during the test.
            sequences[s] = (ushort)(65_500 + random.Next(30));
        }
        try
        {
            // One pinned buffer of 2 KiB slots, as a send batch has.
            const int slotSize = 2048;
            var slots = GC.AllocateArray<byte>(slotSize * 96, pinned: true);
            var batch = new AesNiGcmBatch(capacity: 16);
            for (var round = 0; round < 12; round++)
            {
                var written = new List<(int Slot, int Subscriber, byte[] Rtp, int Length)>();
                var incoming = 1 + random.Next(5);
                for (var p = 0; p < incoming && written.Count < 90; p++)
                {
                    var payload = random.Next(3) switch { 0 => random.Next(1, 160), 1 => random.Next(160, 300), _ => random.Next(900, 1400) };
                    var csrcs = random.Next(4) == 0 ? random.Next(1, 4) : 0;
                    var extension = random.Next(2) == 0;
                    for (var s = 0; s < subscribers && written.Count < 90; s++)
                    {
                        if (random.Next(4) == 0)
                            continue;
                        var rtp = SrtpTestData.Rtp(sequences[s]++, 0x1000u + (uint)s, payload, csrcs, extension, seed: round * 100 + p);
                        var slot = written.Count;
                        var memory = slots.AsMemory(slot * slotSize, slotSize);
                        rtp.CopyTo(memory.Span);
                        senders[s].TryProtectRtp(memory, rtp.Length, batch, out int length, out var error).Should().BeTrue(error.ToString());
                        written.Add((slot, s, rtp, length));
                    }
                }
                batch.EncryptAll();

                foreach (var (slot, s, rtp, length) in written)
                {
                    var expected = SrtpTestData.WithRoom(rtp, 64);
                    twins[s].TryProtectRtp(expected, rtp.Length, out int expectedLength, out _).Should().BeTrue();
                    length.Should().Be(expectedLength);
                    var actual = slots.AsSpan(slot * slotSize, length).ToArray();
                    actual.Should().Equal(expected.AsSpan(0, expectedLength).ToArray(), $"round {round}, subscriber {s}, {rtp.Length} B");

                    var forLibSrtp = SrtpTestData.WithRoom(actual, 64);
                    var unprotected = length;
                    receivers[s].Unprotect(forLibSrtp, ref unprotected).Should().Be(LibSrtp.ErrOk);
                    forLibSrtp.AsSpan(0, unprotected).ToArray().Should().Equal(rtp);
                }
            }
        }
        finally
        {
            for (var s = 0; s < subscribers; s++)
            {
                senders[s].Dispose();
                twins[s].Dispose();
                receivers[s].Dispose();
            }
        }
    }

    [TestCaseSource(typeof(SrtpTestData), nameof(SrtpTestData.CmPaths))]
    public void A_profile_the_batch_does_not_handle_is_protected_at_once(SrtpProtectionProfile profile, string paths)
    {
        var keys = SrtpTestData.Keys(profile);
        using var sender = new SrtpContext(keys, SrtpTestData.Parse(paths));
        using var twin = new SrtpContext(keys, SrtpTestData.Parse(paths));
        var rtp = SrtpTestData.Rtp(7, 0xABCD, 120);
        var buffer = SrtpTestData.WithRoom(rtp);
        var expected = SrtpTestData.WithRoom(rtp);
        var batch = new AesNiGcmBatch();

        sender.TryProtectRtp(buffer, rtp.Length, batch, out int length, out _).Should().BeTrue();
        twin.TryProtectRtp(expected, rtp.Length, out int expectedLength, out _).Should().BeTrue();

        batch.Count.Should().Be(0);
        buffer.AsSpan(0, length).ToArray().Should().Equal(expected.AsSpan(0, expectedLength).ToArray());
    }

    [Test]
    public void A_batched_protect_refuses_what_the_per_packet_one_refuses()
    {
        using var sender = new SrtpContext(SrtpTestData.Keys(SrtpProtectionProfile.AeadAes128Gcm));
        var batch = new AesNiGcmBatch();
        var rtp = SrtpTestData.Rtp(100, 0x42, 60);

        var noRoom = rtp.ToArray();
        sender.TryProtectRtp(noRoom, rtp.Length, batch, out _, out var error).Should().BeFalse();
        error.Should().Be(SrtpError.BufferTooSmall);

        sender.TryProtectRtp(SrtpTestData.WithRoom(rtp), rtp.Length, batch, out _, out error).Should().BeTrue();
        sender.TryProtectRtp(SrtpTestData.WithRoom(rtp), rtp.Length, batch, out _, out error).Should().BeFalse();
        error.Should().Be(SrtpError.Replayed, "an index protected once, batched or not, is never protected again");

        var malformed = SrtpTestData.WithRoom(rtp);
        malformed[0] = 0x40;
        sender.TryProtectRtp(malformed, rtp.Length, batch, out _, out error).Should().BeFalse();
        error.Should().Be(SrtpError.Malformed);
        batch.Count.Should().Be(AesNiGcmBatch.IsSupported ? 1 : 0);
    }

    // A transport disposed on another thread while its packets wait in a batch: they are still
    // encrypted under the real key (the cipher is not cleared), so what leaves is valid SRTP.
    [Test]
    public void A_context_disposed_before_the_batch_runs_still_encrypts_its_packets_under_its_key()
    {
        var keys = SrtpTestData.Keys(SrtpProtectionProfile.AeadAes128Gcm, 9);
        var sender = new SrtpContext(keys);
        using var receiver = new LibSrtp(SrtpProtectionProfile.AeadAes128Gcm, keys, outbound: false);
        var rtp = SrtpTestData.Rtp(1, 0x77, 200);
        var buffer = SrtpTestData.WithRoom(rtp);
        var batch = new AesNiGcmBatch();
        sender.TryProtectRtp(buffer, rtp.Length, batch, out int length, out _).Should().BeTrue();

        sender.Dispose();
        batch.EncryptAll();

        receiver.Unprotect(buffer, ref length).Should().Be(LibSrtp.ErrOk);
        buffer.AsSpan(0, length).ToArray().Should().Equal(rtp);
    }
}
