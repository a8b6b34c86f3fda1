namespace Meet.Modules.Signaling;

// The host commands both transports carry (hub HostAction(action, participantId, kind), gRPC host_action).
// Every one is checked on the server against the caller's role; a non-host gets 403.
public static class HostActions
{
    public const string Mute = "mute";
    public const string MuteAll = "mute_all";
    public const string LowerHand = "lower_hand";
    public const string Remove = "remove";
    public const string End = "end";
    public const string Lock = "lock";
    public const string Unlock = "unlock";
    // Share host: the target becomes a host too. Transfer: the target becomes host, the caller participant.
    public const string MakeHost = "make_host";
    public const string TransferHost = "transfer_host";
    // A host can never unmute anyone (privacy); it can ask.
    public const string AskUnmute = "ask_unmute";
}
