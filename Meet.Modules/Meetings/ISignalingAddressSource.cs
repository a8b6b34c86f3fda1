namespace Meet.Modules.Meetings;

/// <summary>
/// Where clients reach gRPC signaling, when it is not the REST base URL. The signaling module
/// provides it (gRPC has its own HTTP/2-only endpoint on cleartext); without one, the join
/// response announces the base URL.
/// </summary>
public interface ISignalingAddressSource
{
    /// <summary>The gRPC address once the server listens; null when gRPC is served at the base URL.</summary>
    Uri? GrpcAddress { get; }
}
