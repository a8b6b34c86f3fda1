namespace Meet.Modules.Media.Protocols.Rtp;

// RFC 2198 redundant audio (`audio/red`): block headers, then the redundant blocks (older encodings),
// then the primary block — the current encoding. Chromium offers it for Opus; a subscriber that did not
// negotiate it gets the primary block alone as plain Opus.
//
//     0                   1                    2                   3
//     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |F|   block PT  |  timestamp offset         |   block length    |   F = 1: a redundant block follows
//    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//    |0|   block PT  |                                                   F = 0: the last header, the primary's
//    +-+-+-+-+-+-+-+-+
public static class RedPayload
{
    private const int RedundantHeaderSize = 4;

    // The primary block: its payload type and where its data starts in `payload`. False when the
    // headers run past the payload or the redundant blocks claim more bytes than it has.
    public static bool TryGetPrimary(ReadOnlySpan<byte> payload, out int payloadType, out int offset)
    {
        payloadType = -1;
        offset = 0;
        var redundantBytes = 0;
        var position = 0;
        while (true)
        {
            if (position >= payload.Length)
                return false;
            var first = payload[position];
            if ((first & 0x80) == 0)
            {
                payloadType = first & 0x7F;
                position++;
                break;
            }
            if (payload.Length - position < RedundantHeaderSize)
                return false;
            redundantBytes += ((payload[position + 2] & 0x03) << 8) | payload[position + 3];
            position += RedundantHeaderSize;
        }
        if (position + redundantBytes > payload.Length)
            return false;
        offset = position + redundantBytes;
        return true;
    }
}
