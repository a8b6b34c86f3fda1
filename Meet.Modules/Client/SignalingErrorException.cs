namespace Meet.Modules.Client;

// A coded refusal from the server (Meet.Modules.Signaling.SignalingErrorCodes), whichever the transport.
public sealed class SignalingErrorException(int code, string message) : Exception($"{code}: {message}")
{
    public int Code { get; } = code;

    public string ServerMessage { get; } = message;
}
