using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Meet.Modules.Signaling.Internal;

// Found by fuzzing (issue 16): MessagePackHubProtocol lets MessagePackSerializationException,
// FormatException ("Messages over 2GB") and EndOfStreamException escape TryParseMessage on crafted
// frames, where SignalR's contract for a malformed frame is InvalidDataException. SignalR then tears the
// connection down through its unexpected-error path and logs an error per frame a client chooses to
// send. Every parse failure becomes InvalidDataException here: one refused frame, one closed connection.
internal sealed class GuardedHubProtocol(IHubProtocol inner) : IHubProtocol
{
    public string Name => inner.Name;

    public int Version => inner.Version;

    public TransferFormat TransferFormat => inner.TransferFormat;

    public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message)
    {
        try
        {
            return inner.TryParseMessage(ref input, binder, out message);
        }
        catch (Exception ex) when (ex is not InvalidDataException and not OutOfMemoryException)
        {
            throw new InvalidDataException($"Malformed {inner.Name} frame: {ex.GetType().Name}.", ex);
        }
    }

    public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => inner.WriteMessage(message, output);

    public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => inner.GetMessageBytes(message);

    public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);
}
