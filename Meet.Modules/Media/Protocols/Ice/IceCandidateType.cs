namespace Meet.Modules.Media.Protocols.Ice;

public enum IceCandidateType
{
    Host,
    ServerReflexive,
    PeerReflexive,
    Relayed,
}
