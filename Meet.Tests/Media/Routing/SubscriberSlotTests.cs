using Meet.Modules.Media.Routing;

namespace Meet.Tests.Media.Routing;

// A bounded slot negotiated with one publisher's payload types carries others (Firefox numbers VP8
// 120, Chromium 96): their numbers are mapped onto the slot's, or the publisher does not fit.
[TestFixture]
public sealed class SubscriberSlotTests
{
    private static readonly SubscriberSlot Vp8Slot = new("0", MediaKind.Video, [new RtpCodec(96, "VP8", 90000, null, null, RtxPayloadType: 97)]) { Bounded = true };

    [Test]
    public void A_publisher_with_the_slots_own_numbers_needs_no_rewrite()
    {
        Vp8Slot.TryMapPayloadTypes([new RtpCodec(96, "VP8", 90000, null, null, RtxPayloadType: 97)], out var map).Should().BeTrue();
        map.Should().BeNull();
    }

    [Test]
    public void Other_numbers_for_the_same_codec_and_its_rtx_are_mapped_onto_the_slots()
    {
        Vp8Slot.TryMapPayloadTypes([new RtpCodec(120, "vp8", 90000, null, null, RtxPayloadType: 124)], out var map).Should().BeTrue();
        map.Should().NotBeNull();
        map![120].Should().Be(96);
        map[124].Should().Be(97);
        map[111].Should().Be(111, "numbers the publisher does not use stay as they are");
    }

    [Test]
    public void A_publisher_without_any_of_the_slots_codecs_does_not_fit()
    {
        Vp8Slot.TryMapPayloadTypes([new RtpCodec(102, "H264", 90000, null, "profile-level-id=42e01f")], out _).Should().BeFalse();
    }
}
