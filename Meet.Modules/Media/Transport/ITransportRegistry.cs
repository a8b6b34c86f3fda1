using Meet.PacketEngine;

namespace Meet.Modules.Media.Transport;

// The demultiplexing tables of the shared media port: local ufrag -> transport for STUN, remote
// address -> transport for everything else.
internal interface ITransportRegistry
{
    void RegisterUfrag(ulong ufragKey, WebRtcTransport transport);

    void UnregisterUfrag(ulong ufragKey, WebRtcTransport transport);

    void RegisterAddress(in PacketAddress address, WebRtcTransport transport);

    void UnregisterAddress(in PacketAddress address, WebRtcTransport transport);
}
