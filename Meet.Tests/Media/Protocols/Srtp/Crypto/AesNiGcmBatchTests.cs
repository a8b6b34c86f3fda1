using System.Security.Cryptography;
using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Tests.Media.Protocols.Srtp.Crypto;

// Issue 14: the multi-buffer batch must give every packet exactly what AesGcm (and the per-packet
// paths) give it, whatever mix of lengths, keys and group sizes a flush holds.
public class AesNiGcmBatchTests
{
    [Test]
    public void The_interleaved_path_is_taken_where_the_cpu_has_512_bit_vpclmulqdq()
    {
        if (System.Runtime.Intrinsics.X86.Avx512BW.IsSupported && System.Runtime.Intrinsics.X86.Pclmulqdq.V512.IsSupported)
            AesNiGcmBatch.IsSupported.Should().BeTrue("this CPU has AES-NI and VPCLMULQDQ at 512 bits");
    }

    // One packet of each key and every length 0..300 next to packets of other lengths: lanes that end
    // early, lanes that start late in GHASH, partial AAD and data blocks, groups of 1 to 4.
    [Test]
    public void Every_length_in_a_mixed_batch_matches_dotnet_aesgcm()
    {
        var random = new Random(1714);
        var keys = Enumerable.Range(0, 7).Select(_ => RandomBytes(random, 16)).ToArray();
        var references = keys.Select(k => new AesGcm(k, 16)).ToArray();
        var ciphers = keys.Select(k => new AesNiGcm(k)).ToArray();
        try
        {
            var batch = new AesNiGcmBatch(capacity: 13);
            var pending = new List<Packet>();
            for (var length = 0; length <= 300; length++)
            {
                var key = random.Next(keys.Length);
                var aadLength = random.Next(4) switch { 0 => 12, 1 => 0, 2 => 16 + 4 * random.Next(8), _ => random.Next(60) };
                pending.Add(AddPacket(batch, random, ciphers[key], references[key], aadLength, length));
                // Flushes of every size, so groups of 1, 2, 3 and 4 all occur.
                if (random.Next(6) == 0)
                    EncryptAndCheck(batch, pending);
            }
            EncryptAndCheck(batch, pending);
        }
        finally
        {
            foreach (var c in ciphers)
                c.Dispose();
            foreach (var r in references)
                r.Dispose();
        }
    }

    // A fan-out as the SFU makes it: one packet of each size to many subscribers, each with its own key.
    [TestCase(100)]
    [TestCase(200)]
    [TestCase(1200)]
    [TestCase(1460)]
    public void A_fan_out_of_one_packet_to_many_keys_matches_the_per_packet_paths(int payloadLength)
    {
        var random = new Random(payloadLength);
        var batch = new AesNiGcmBatch();
        var packets = new List<(byte[] Buffer, AesNiGcm Cipher, byte[] Nonce, int AadLength)>();
        var plain = RandomBytes(random, payloadLength);
        var header = RandomBytes(random, 24);
        for (var subscriber = 0; subscriber < 37; subscriber++)
        {
            var cipher = new AesNiGcm(RandomBytes(random, 16), wide: subscriber % 2 == 0);
            var nonce = RandomBytes(random, 12);
            var buffer = new byte[header.Length + payloadLength + 16 + random.Next(3)];
            header.CopyTo(buffer, 0);
            plain.CopyTo(buffer, header.Length);
            batch.Add(cipher, nonce, buffer, header.Length, payloadLength);
            packets.Add((buffer, cipher, nonce, header.Length));
        }
        batch.EncryptAll();
        batch.Count.Should().Be(0);

        foreach (var (buffer, cipher, nonce, aadLength) in packets)
        {
            var expected = new byte[buffer.Length];
            header.CopyTo(expected, 0);
            plain.CopyTo(expected, aadLength);
            cipher.Encrypt(nonce, expected.AsSpan(0, aadLength), default, expected.AsSpan(aadLength, payloadLength), expected.AsSpan(aadLength + payloadLength, 16));
            buffer.AsSpan(0, aadLength + payloadLength + 16).ToArray().Should().Equal(expected.AsSpan(0, aadLength + payloadLength + 16).ToArray());
            buffer.AsSpan(aadLength + payloadLength + 16).ToArray().Should().NotContain(b => b != 0, "nothing past the tag is touched");
            cipher.Dispose();
        }
    }

    [Test]
    public void A_full_batch_encrypts_what_it_holds_before_taking_more()
    {
        var random = new Random(5);
        var key = RandomBytes(random, 16);
        using var cipher = new AesNiGcm(key);
        using var reference = new AesGcm(key, 16);
        var batch = new AesNiGcmBatch(capacity: 4);
        var pending = new List<Packet>();
        for (var i = 0; i < 4; i++)
            pending.Add(AddPacket(batch, random, cipher, reference, 12, 50 + i));
        batch.Count.Should().Be(4);

        pending.Add(AddPacket(batch, random, cipher, reference, 12, 60));

        batch.Count.Should().Be(1);
        foreach (var packet in pending.Take(4))
            packet.AssertEncrypted();
        EncryptAndCheck(batch, pending.Skip(4).ToList());
    }

    [Test]
    public void A_packet_without_room_for_the_tag_is_refused()
    {
        using var cipher = new AesNiGcm(new byte[16]);
        var batch = new AesNiGcmBatch();
        var act = () => batch.Add(cipher, new byte[12], new byte[12 + 100 + 15], 12, 100);
        act.Should().Throw<ArgumentOutOfRangeException>();
        var negative = () => batch.Add(cipher, new byte[12], new byte[200], -1, 100);
        negative.Should().Throw<ArgumentOutOfRangeException>();
        batch.Count.Should().Be(0);
    }

    private static Packet AddPacket(AesNiGcmBatch batch, Random random, AesNiGcm cipher, AesGcm reference, int aadLength, int length)
    {
        var nonce = RandomBytes(random, 12);
        // Some slack past the tag, as a send slot has: the batch must leave it alone.
        var buffer = RandomBytes(random, aadLength + length + 16 + random.Next(20));
        var original = (byte[])buffer.Clone();
        var expectedData = new byte[length];
        var expectedTag = new byte[16];
        reference.Encrypt(nonce, buffer.AsSpan(aadLength, length), expectedData, expectedTag, buffer.AsSpan(0, aadLength));
        batch.Add(cipher, nonce, buffer, aadLength, length);
        return new Packet(buffer, original, aadLength, length, expectedData, expectedTag);
    }

    private static void EncryptAndCheck(AesNiGcmBatch batch, List<Packet> pending)
    {
        batch.EncryptAll();
        foreach (var packet in pending)
            packet.AssertEncrypted();
        pending.Clear();
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private sealed record Packet(byte[] Buffer, byte[] Original, int AadLength, int Length, byte[] ExpectedData, byte[] ExpectedTag)
    {
        public void AssertEncrypted()
        {
            var because = $"AAD {AadLength} B, data {Length} B";
            Buffer.AsSpan(0, AadLength).ToArray().Should().Equal(Original.AsSpan(0, AadLength).ToArray(), because);
            Buffer.AsSpan(AadLength, Length).ToArray().Should().Equal(ExpectedData, because);
            Buffer.AsSpan(AadLength + Length, 16).ToArray().Should().Equal(ExpectedTag, because);
            Buffer.AsSpan(AadLength + Length + 16).ToArray().Should().Equal(Original.AsSpan(AadLength + Length + 16).ToArray(), because);
        }
    }
}
