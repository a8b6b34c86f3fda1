using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Client.Media;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Client.Media;

[TestFixture]
public sealed class IvfReaderTests
{
    [Test]
    public void Built_file_round_trips_frames_and_header()
    {
        byte[][] frames = [[1, 2, 3], [], [9, 9, 9, 9, 9]];
        IvfReader.TryParse(IvfTestFiles.Build(frames), out var reader).Should().BeTrue();

        reader.FourCc.Should().Be("VP80");
        (reader.Width, reader.Height, reader.TimebaseDenominator, reader.TimebaseNumerator).Should().Be((320, 240, 30, 1));
        reader.Frames.Select(f => f.Length).Should().Equal(3, 0, 5);
        reader.Frames.Select(f => f.Timestamp).Should().Equal(0L, 1L, 2L);
    }

    [Test]
    public void Ffmpeg_clip_starts_with_a_vp8_keyframe()
    {
        var clip = IvfTestFiles.Vp8Clip;
        IvfReader.TryParse(clip, out var reader).Should().BeTrue();
        reader.Frames.Should().HaveCountGreaterThan(20);
        var first = reader.Frames[0];
        // RFC 6386 §9.1: bit 0 of the frame tag is 0 for a keyframe, followed by the start code 9d 01 2a.
        (clip[first.Offset] & 1).Should().Be(0);
        clip.AsSpan(first.Offset + 3, 3).ToArray().Should().Equal(0x9d, 0x01, 0x2a);
    }

    [Test]
    public void Truncation_at_every_length_is_rejected()
    {
        var file = IvfTestFiles.Build([[1, 2, 3], [4, 5]]);
        for (var length = 0; length < file.Length; length++)
        {
            var truncatedAtFrameBoundary = length is 32 or 32 + 12 + 3;
            IvfReader.TryParse(file.AsSpan(0, length), out _).Should().Be(truncatedAtFrameBoundary, $"length {length}");
        }
    }

    [Test]
    public void Random_bytes_never_throw() => Prop.ForAll<byte[]>(bytes =>
    {
        var input = bytes ?? [];
        if (input.Length >= 4)
            "DKIF"u8.CopyTo(input);
        IvfReader.TryParse(input, out var reader);
        return reader is null || reader.Frames.All(f => f.Offset + f.Length <= input.Length);
    }).Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
}
