using FsCheck;
using FsCheck.Fluent;
using Meet.Modules.Media.Protocols.Rtp;

namespace Meet.Tests.Media.Protocols.Rtp;

public class H264PayloadTests
{
    [TestCase("65888400", true, Description = "single NAL, IDR slice (type 5)")]
    [TestCase("6742c01f", true, Description = "single NAL, SPS (type 7)")]
    [TestCase("68ce3c80", false, Description = "single NAL, PPS (type 8)")]
    [TestCase("419a0000", false, Description = "single NAL, non-IDR slice (type 1)")]
    // Chrome's key frame start: STAP-A carrying SPS (len 4) and PPS (len 4).
    [TestCase("78" + "0004" + "6742c01f" + "0004" + "68ce3c80", true, Description = "STAP-A with SPS")]
    [TestCase("78" + "0004" + "68ce3c80" + "0002" + "419a", false, Description = "STAP-A without SPS or IDR")]
    [TestCase("78" + "0009" + "6742c01f", false, Description = "STAP-A with a size beyond the end")]
    [TestCase("7c85" + "888400", true, Description = "FU-A start of an IDR")]
    [TestCase("7c45" + "888400", false, Description = "FU-A end of an IDR (not a start)")]
    [TestCase("7c81" + "9a0000", false, Description = "FU-A start of a non-IDR slice")]
    [TestCase("", false)]
    [TestCase("7c", false, Description = "FU-A without its header")]
    public void Key_frames_are_detected(string hex, bool keyFrame) =>
        H264Payload.IsKeyFrame(Convert.FromHexString(hex)).Should().Be(keyFrame);

    [Test]
    public void Truncated_stap_a_at_every_length_never_throws()
    {
        var stapA = Convert.FromHexString("78" + "0004" + "68ce3c80" + "0004" + "6742c01f");
        for (var length = 0; length <= stapA.Length; length++)
            H264Payload.IsKeyFrame(stapA.AsSpan(0, length)).Should().Be(length == stapA.Length);
    }

    [Test]
    public void Random_bytes_never_throw() => Prop.ForAll<byte[]>(bytes => { H264Payload.IsKeyFrame(bytes); })
        .Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
}
