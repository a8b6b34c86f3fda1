using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Media.Protocols.Rtp;

public class AudioLevelExtensionTests
{
    [Test]
    public void Chrome_voice_byte_reads_as_voice_at_minus_30_dbov()
    {
        // 0x9e from RtpHeaderTests.ChromeOpus: V=1, level 30.
        AudioLevelExtension.TryRead([0x9e], out var voice, out var level).Should().BeTrue();

        voice.Should().BeTrue();
        level.Should().Be(30);
    }

    [Test]
    public void All_levels_round_trip() => Prop.ForAll<bool, byte>((voice, raw) =>
    {
        var level = (byte)(raw & 0x7F);
        var buffer = new byte[AudioLevelExtension.Size];
        AudioLevelExtension.TryWrite(voice, level, buffer, out var written).Should().BeTrue();
        AudioLevelExtension.TryRead(buffer.AsSpan(0, written), out var readVoice, out var readLevel).Should().BeTrue();
        (readVoice, readLevel).Should().Be((voice, level));
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));

    [Test]
    public void Truncated_or_out_of_range_input_is_refused()
    {
        AudioLevelExtension.TryRead([], out _, out _).Should().BeFalse();
        AudioLevelExtension.TryWrite(true, 128, new byte[1], out _).Should().BeFalse();
        AudioLevelExtension.TryWrite(true, 1, [], out _).Should().BeFalse();
    }

    [Test]
    public void Random_bytes_never_throw() => Prop.ForAll<byte[]>(bytes =>
    {
        AudioLevelExtension.TryRead(bytes, out _, out var level);
        level.Should().BeLessThan(128);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
}
