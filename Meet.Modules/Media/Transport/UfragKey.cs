namespace Meet.Modules.Media.Transport;

// The server generates every local ufrag itself (IceCredentials.Generate: 8 ice-chars), so a ufrag
// packs into a ulong and the STUN demultiplexer looks it up without allocating a string.
internal static class UfragKey
{
    public const int Length = 8;

    public static bool TryCreate(ReadOnlySpan<byte> ufrag, out ulong key)
    {
        key = 0;
        if (ufrag.Length != Length)
            return false;
        foreach (var b in ufrag)
            key = (key << 8) | b;
        return true;
    }

    public static ulong Create(string ufrag)
    {
        Span<byte> bytes = stackalloc byte[Length];
        if (ufrag.Length != Length || System.Text.Encoding.ASCII.GetBytes(ufrag, bytes) != Length || !TryCreate(bytes, out var key))
            throw new ArgumentException("Local ufrags are 8 ASCII characters.", nameof(ufrag));
        return key;
    }
}
