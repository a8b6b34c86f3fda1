using FsCheck;
using FsCheck.Fluent;
using Meet.PacketEngine.Dpdk.Frames;

namespace Meet.Tests.PacketEngine.Dpdk.Frames;

public class InternetChecksumTests
{
    [Test]
    public void Rfc1071_example_sums_to_ddf2()
    {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to ddf2, so the checksum is 220d.
        InternetChecksum.Compute([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]).Should().Be(0x220d);
    }

    [Test]
    public void Known_ipv4_header_checksum_is_reproduced()
    {
        byte[] header = [0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7];
        InternetChecksum.Compute(header).Should().Be(0xb861);
    }

    [Test]
    public void Vector_path_matches_the_reference_for_every_length_up_to_1500()
    {
        var data = new byte[1500];
        new Random(1071).NextBytes(data);
        for (var length = 0; length <= data.Length; length++)
            InternetChecksum.Compute(data.AsSpan(0, length)).Should().Be(ReferenceChecksum.Compute(data[..length]), $"length {length}");
    }

    [Test]
    public void Matches_the_reference_on_random_data() =>
        Prop.ForAll<byte[]>(data =>
            InternetChecksum.Compute(data) == ReferenceChecksum.Compute(data)).QuickCheckThrowOnFailure();

    [Test]
    public void All_ones_data_does_not_overflow_the_vector_lanes()
    {
        var data = Enumerable.Repeat((byte)0xFF, 65_535).ToArray();
        InternetChecksum.Compute(data).Should().Be(ReferenceChecksum.Compute(data));
    }

    [Test]
    public void Pseudo_header_sum_equals_summing_its_bytes()
    {
        byte[] pseudo = [10, 99, 0, 2, 10, 99, 0, 1, 0, 17, 0x04, 0xB8];
        InternetChecksum.Finish(InternetChecksum.PseudoHeader(0x0A630002, 0x0A630001, 17, 0x04B8))
            .Should().Be(ReferenceChecksum.Compute(pseudo));
    }
}
