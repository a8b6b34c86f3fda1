namespace Meet.Modules.Media.Protocols.Sdp;

// An offered m-section the answerer turned down (port 0 in the answer, RFC 3264 §6), with the reason
// the server logs and reports to the client (issue 12: a refusal must never be silent).
public sealed record SdpRefusedSection(int Index, string? Mid, string Media, string Reason)
{
    public override string ToString() => $"m-section {Index} (mid {Mid ?? "none"}, {Media}): {Reason}";
}
