namespace Meet.Modules.Media.Protocols.Ice;

// RFC 6544 §4.5. The SFU offers passive TCP candidates; browsers connect with active ones.
public enum IceTcpType
{
    None,
    Active,
    Passive,
    SimultaneousOpen,
}
