using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// One simulcast encoding of a published track and whether the SFU wants it (PublisherLayersMessage).
[DataContract]
public sealed record PublisherLayerMessage(
    [property: DataMember(Name = "rid")] string Rid,
    [property: DataMember(Name = "active")] bool Active);
