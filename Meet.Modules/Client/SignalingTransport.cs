namespace Meet.Modules.Client;

public enum SignalingTransport
{
    Grpc,
    SignalR,
    SignalRMessagePack,
}
