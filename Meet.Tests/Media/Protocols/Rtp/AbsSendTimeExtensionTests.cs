using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Media.Protocols.Rtp;

public class AbsSendTimeExtensionTests
{
    [Test]
    public void One_and_a_half_seconds_is_6_18_fixed_point()
    {
        AbsSendTimeExtension.FromTimeSpan(TimeSpan.FromSeconds(1.5)).Should().Be(0x06_0000);
        AbsSendTimeExtension.ToTimeSpan(0x06_0000).Should().Be(TimeSpan.FromSeconds(1.5));
    }

    [Test]
    public void Value_wraps_every_64_seconds()
    {
        AbsSendTimeExtension.FromTimeSpan(TimeSpan.FromSeconds(65)).Should().Be(AbsSendTimeExtension.FromTimeSpan(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public void Values_round_trip() => Prop.ForAll<uint>(raw =>
    {
        var value = raw & 0xFF_FFFF;
        var buffer = new byte[AbsSendTimeExtension.Size];
        AbsSendTimeExtension.TryWrite(value, buffer, out var written).Should().BeTrue();
        AbsSendTimeExtension.TryRead(buffer.AsSpan(0, written), out var read).Should().BeTrue();
        read.Should().Be(value);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    [Test]
    public void Truncated_value_at_every_length_is_refused()
    {
        for (var length = 0; length < AbsSendTimeExtension.Size; length++)
        {
            AbsSendTimeExtension.TryRead(new byte[length], out _).Should().BeFalse();
            AbsSendTimeExtension.TryWrite(1, new byte[length], out _).Should().BeFalse();
        }
        AbsSendTimeExtension.TryWrite(0x100_0000, new byte[3], out _).Should().BeFalse();
    }

    [Test]
    public void Random_bytes_never_throw() => Prop.ForAll<byte[]>(bytes =>
    {
        if (AbsSendTimeExtension.TryRead(bytes, out var value))
            value.Should().BeLessThanOrEqualTo(0xFF_FFFFu);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
}
