using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// NewNode (issue 15): the media moved to another node, so the client needs new PeerConnections
// (new ICE credentials and DTLS fingerprint), not an ICE restart of the old ones.
[DataContract]
public sealed record MediaReconnectMessage([property: DataMember(Name = "reason")] string Reason)
{
    [DataMember(Name = "newNode")]
    public bool NewNode { get; init; }
}
