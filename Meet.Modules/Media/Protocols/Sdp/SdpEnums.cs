namespace Meet.Modules.Media.Protocols.Sdp;

// Wire names of the SDP enumerations (the enums themselves stay free of string plumbing).
internal static class SdpEnums
{
    public static string ToText(this SdpDirection direction) => direction switch
    {
        SdpDirection.SendRecv => "sendrecv",
        SdpDirection.SendOnly => "sendonly",
        SdpDirection.RecvOnly => "recvonly",
        _ => "inactive",
    };

    public static bool TryParseDirection(string text, out SdpDirection direction)
    {
        switch (text)
        {
            case "sendrecv": direction = SdpDirection.SendRecv; return true;
            case "sendonly": direction = SdpDirection.SendOnly; return true;
            case "recvonly": direction = SdpDirection.RecvOnly; return true;
            case "inactive": direction = SdpDirection.Inactive; return true;
            default: direction = default; return false;
        }
    }

    // The answerer's direction for an offered one (RFC 3264 §6.1).
    public static SdpDirection Reverse(this SdpDirection direction) => direction switch
    {
        SdpDirection.SendOnly => SdpDirection.RecvOnly,
        SdpDirection.RecvOnly => SdpDirection.SendOnly,
        _ => direction,
    };

    public static string ToText(this SdpSetupRole role) => role switch
    {
        SdpSetupRole.ActPass => "actpass",
        SdpSetupRole.Active => "active",
        SdpSetupRole.Passive => "passive",
        _ => "holdconn",
    };

    public static bool TryParseSetup(string text, out SdpSetupRole role)
    {
        switch (text)
        {
            case "actpass": role = SdpSetupRole.ActPass; return true;
            case "active": role = SdpSetupRole.Active; return true;
            case "passive": role = SdpSetupRole.Passive; return true;
            case "holdconn": role = SdpSetupRole.HoldConn; return true;
            default: role = default; return false;
        }
    }

    public static string ToText(this SdpCandidateType type) => type switch
    {
        SdpCandidateType.Host => "host",
        SdpCandidateType.ServerReflexive => "srflx",
        SdpCandidateType.PeerReflexive => "prflx",
        _ => "relay",
    };

    public static bool TryParseCandidateType(string text, out SdpCandidateType type)
    {
        switch (text)
        {
            case "host": type = SdpCandidateType.Host; return true;
            case "srflx": type = SdpCandidateType.ServerReflexive; return true;
            case "prflx": type = SdpCandidateType.PeerReflexive; return true;
            case "relay": type = SdpCandidateType.Relay; return true;
            default: type = default; return false;
        }
    }
}
