using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

[DataContract]
public sealed record ErrorMessage(
    [property: DataMember(Name = "code")] int Code,
    [property: DataMember(Name = "message")] string Message);
