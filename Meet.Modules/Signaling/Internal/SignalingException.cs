namespace Meet.Modules.Signaling.Internal;

// A refusal with one of SignalingErrorCodes; transports turn it into their own error shape.
internal sealed class SignalingException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}
