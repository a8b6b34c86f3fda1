using System.Runtime.Serialization;

namespace Meet.Modules.Signaling;

// Dynacast (issue 11): which simulcast encodings (rids) of our track in publisher m-section `mid` the SFU
// wants. The client sets RTCRtpEncodingParameters.active to match. SignalR event "PublisherLayers";
// gRPC ServerMessage.publisher_layers.
[DataContract]
public sealed record PublisherLayersMessage(
    [property: DataMember(Name = "mid")] string Mid,
    [property: DataMember(Name = "layers")] IReadOnlyList<PublisherLayerMessage> Layers);
