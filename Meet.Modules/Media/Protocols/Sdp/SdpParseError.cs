namespace Meet.Modules.Media.Protocols.Sdp;

// Line is 1-based; 0 when the error concerns the document as a whole.
public readonly record struct SdpParseError(SdpParseErrorKind Kind, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"line {Line}: {Kind}: {Message}" : $"{Kind}: {Message}";
}
