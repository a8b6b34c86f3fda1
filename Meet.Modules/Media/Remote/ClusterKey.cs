using System.Security.Cryptography;
using System.Text;
using Grpc.Core;

namespace Meet.Modules.Media.Remote;

// The shared secret every control call between nodes carries (Node:ClusterKey).
internal static class ClusterKey
{
    public const string MetadataKey = "x-meet-cluster-key";

    public static Metadata Headers(string key) => new() { { MetadataKey, key } };

    // Constant time, so the comparison does not reveal how much of a guess was right.
    public static bool Matches(ServerCallContext context, string expected)
    {
        var presented = context.RequestHeaders.GetValue(MetadataKey);
        return presented is not null && expected.Length > 0 &&
               CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
    }
}
