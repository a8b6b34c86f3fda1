namespace Meet.Modules.Meetings;

// Bound from "Turn": the ICE servers the join response hands to clients (issue 12), so clients behind
// UDP-blocking networks reach the SFU through a TURN relay such as coturn at the network edge.
// Credentials follow the TURN REST API (draft-uberti-behave-turn-rest-00, coturn's use-auth-secret):
// username "<expiry unix time>:<participant id>", password base64(HMAC-SHA1(secret, username)).
public sealed class TurnOptions
{
    public const string SectionName = "Turn";

    // turn: / turns: URLs (RFC 7065), e.g. "turn:turn.example.com:3478?transport=udp". Empty = no TURN.
    public List<string> Urls { get; set; } = [];

    // stun: / stuns: URLs (RFC 7064) handed out without credentials; optional.
    public List<string> StunUrls { get; set; } = [];

    // coturn's static-auth-secret; required when Urls is not empty.
    public string StaticAuthSecret { get; set; } = "";

    // How long issued credentials stay valid (the TURN server checks the username's expiry).
    public TimeSpan CredentialLifetime { get; set; } = TimeSpan.FromHours(12);
}
