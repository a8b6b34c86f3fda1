using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

[DataContract]
public sealed record MediaReconnectMessage([property: DataMember(Name = "reason")] string Reason);
