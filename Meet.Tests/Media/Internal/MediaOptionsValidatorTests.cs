using Meet.Modules.Media;
using Meet.Modules.Media.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Meet.Tests.Media.Internal;

[TestFixture]
public sealed class MediaOptionsValidatorTests
{
    [TestCase(0)]
    [TestCase(400)]
    [TestCase(MediaOptions.MaxFrameHoldMicroseconds)]
    public void A_frame_hold_from_off_to_two_milliseconds_is_valid(int microseconds) =>
        new MediaOptionsValidator().Validate(null, new MediaOptions { FrameHoldMicroseconds = microseconds }).Succeeded.Should().BeTrue();

    [TestCase(-1)]
    [TestCase(MediaOptions.MaxFrameHoldMicroseconds + 1)]
    public void A_frame_hold_out_of_range_is_refused_naming_the_key(int microseconds)
    {
        var result = new MediaOptionsValidator().Validate(null, new MediaOptions { FrameHoldMicroseconds = microseconds });
        result.Failed.Should().BeTrue();
        result.FailureMessage.Should().Contain("Media:FrameHoldMicroseconds must be 0..2000");
    }

    [Test]
    public async Task The_configured_frame_hold_reaches_the_media_sender()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Media:FrameHoldMicroseconds"] = "250",
            ["Node:PublicIp"] = "127.0.0.1",
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddMediaModule(configuration).BuildServiceProvider();
        services.GetRequiredService<MediaModule>().Sender.FrameHoldMicroseconds.Should().Be(250);
    }
}
