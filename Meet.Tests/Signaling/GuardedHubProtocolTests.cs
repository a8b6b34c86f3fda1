using System.Buffers;
using Meet.Benchmarks.Fuzzing;
using Meet.Modules.Signaling.Internal;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Meet.Tests.Signaling;

// Regression for the fuzzing finding: crafted MessagePack frames made SignalR's MessagePackHubProtocol
// throw MessagePackSerializationException / FormatException / EndOfStreamException instead of the
// InvalidDataException that marks a malformed frame. The server's protocol turns all of them into it.
public sealed class GuardedHubProtocolTests
{
    private sealed class Binder : IInvocationBinder
    {
        public IReadOnlyList<Type> GetParameterTypes(string methodName) => [typeof(string)];

        public Type GetReturnType(string invocationId) => typeof(object);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }

    private static IEnumerable<byte[]> CrashInputs()
    {
        var root = FuzzSeeds.FindRepositoryRoot(TestContext.CurrentContext.TestDirectory);
        // The fuzz target's first byte chose MessagePack (1); the frame bytes follow it.
        return FuzzSeeds.Fixtures("signaling", root).Where(f => f.Name.StartsWith("crash-messagepack", StringComparison.Ordinal) && f.Bytes.Length > 1 && f.Bytes[0] % 3 == 1)
            .Select(f => f.Bytes[1..]);
    }

    private static Exception? Parse(IHubProtocol protocol, byte[] frame)
    {
        var input = new ReadOnlySequence<byte>(frame);
        try
        {
            for (var i = 0; i < 1024 && protocol.TryParseMessage(ref input, new Binder(), out _); i++)
            {
            }
            return null;
        }
        catch (Exception ex)
        {
            return ex;
        }
    }

    [Test]
    public void Stock_messagepack_protocol_lets_other_exceptions_out_on_the_fuzzed_frames()
    {
        var escaped = CrashInputs().Select(frame => Parse(new MessagePackHubProtocol(), frame)).Where(e => e is not null and not InvalidDataException).ToList();

        escaped.Should().NotBeEmpty("these inputs were saved because they crashed the stock protocol");
    }

    [Test]
    public void Guarded_protocol_refuses_every_fuzzed_frame_with_InvalidDataException()
    {
        var inputs = CrashInputs().ToList();
        inputs.Should().NotBeEmpty();

        foreach (var frame in inputs)
            Parse(new GuardedHubProtocol(new MessagePackHubProtocol()), frame).Should().Match(e => e == null || e is InvalidDataException, Convert.ToHexString(frame));
    }

    [Test]
    public void Guarded_protocol_still_parses_valid_frames()
    {
        var protocol = new GuardedHubProtocol(new MessagePackHubProtocol());
        var bytes = protocol.GetMessageBytes(new InvocationMessage("1", "Join", ["Alice"]));
        var input = new ReadOnlySequence<byte>(bytes);

        protocol.TryParseMessage(ref input, new Binder(), out var message).Should().BeTrue();

        message.Should().BeOfType<InvocationMessage>().Which.Arguments.Should().Equal("Alice");
        protocol.Name.Should().Be("messagepack");
    }
}
