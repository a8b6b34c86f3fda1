using Meet.Modules.Media.Protocols.Srtp;

namespace Meet.Tests.Media.Protocols.Srtp;

public class SrtpStreamTests
{
    [Test]
    public void First_packet_of_a_stream_has_rollover_counter_zero()
    {
        SrtpStream.EstimateRtpIndex(default, 65000, out ulong index).Should().Be(SrtpError.None);

        index.Should().Be(65000);
    }

    [TestCase(65535UL, (ushort)0, 65536UL, TestName = "Wrap_forward_increments_the_rollover_counter")]
    [TestCase(65536UL, (ushort)65535, 65535UL, TestName = "Late_packet_from_before_the_wrap_keeps_the_old_rollover_counter")]
    [TestCase(65540UL, (ushort)65530, 65530UL, TestName = "Reordering_across_the_wrap_looks_back")]
    [TestCase(100UL, (ushort)101, 101UL, TestName = "In_order_packet_keeps_the_rollover_counter")]
    [TestCase(100UL, (ushort)50, 50UL, TestName = "Late_packet_keeps_the_rollover_counter")]
    [TestCase((5UL << 16) | 40000, (ushort)7000, (6UL << 16) | 7000, TestName = "Index_more_than_half_the_space_behind_is_taken_as_the_next_cycle")]
    [TestCase((5UL << 16) | 10, (ushort)40000, (4UL << 16) | 40000, TestName = "Index_more_than_half_the_space_ahead_is_taken_as_the_previous_cycle")]
    public void Index_is_estimated_per_rfc3711_appendix_a(ulong highest, ushort sequence, ulong expected)
    {
        var window = default(SrtpReplayWindow);
        window.Accept(highest);

        SrtpStream.EstimateRtpIndex(window, sequence, out ulong index).Should().Be(SrtpError.None);

        index.Should().Be(expected);
    }

    [Test]
    public void Packet_from_before_the_first_wrap_of_a_stream_is_too_old()
    {
        var window = default(SrtpReplayWindow);
        window.Accept(10);

        // 65500 relative to s_l = 10 would need ROC -1.
        SrtpStream.EstimateRtpIndex(window, 65500, out _).Should().Be(SrtpError.TooOld);
    }

    [Test]
    public void Index_beyond_48_bits_is_exhausted()
    {
        var window = default(SrtpReplayWindow);
        window.Accept((1UL << 48) - 2);

        SrtpStream.EstimateRtpIndex(window, 10, out _).Should().Be(SrtpError.IndexExhausted);
    }
}
