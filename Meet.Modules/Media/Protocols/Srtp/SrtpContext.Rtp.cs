using System.Buffers.Binary;
using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Modules.Media.Protocols.Srtp;

public sealed partial class SrtpContext
{
    // buffer[0..length) holds an RTP packet; on success buffer[0..protectedLength) holds the SRTP
    // packet. The buffer needs RtpOverhead spare bytes after the packet.
    public bool TryProtectRtp(Span<byte> buffer, int length, out int protectedLength, out SrtpError error)
    {
        if (!TryStartProtectRtp(buffer, length, out int headerLength, out uint ssrc, out ulong index, out var stream, out error))
        {
            protectedLength = 0;
            return false;
        }

        _rtp.ProtectRtp(buffer, headerLength, length, ssrc, (uint)(index >> 16));
        stream.Rtp.Accept(index);
        protectedLength = length + _rtp.TagLength;
        return true;
    }

    // As above, but the encryption may be left to a multi-buffer batch (issue 14): the index is taken
    // and the length known now, the bytes are final once the batch runs (batch.EncryptAll, or when it
    // fills). Profiles and paths the batch does not handle are protected here and now.
    internal bool TryProtectRtp(Memory<byte> buffer, int length, AesNiGcmBatch batch, out int protectedLength, out SrtpError error)
    {
        if (!TryStartProtectRtp(buffer.Span, length, out int headerLength, out uint ssrc, out ulong index, out var stream, out error))
        {
            protectedLength = 0;
            return false;
        }

        _rtp.ProtectRtp(buffer, headerLength, length, ssrc, (uint)(index >> 16), batch);
        stream.Rtp.Accept(index);
        protectedLength = length + _rtp.TagLength;
        return true;
    }

    // Everything of a protect but the cryptography: header, room for the tag, the index to use.
    private bool TryStartProtectRtp(
        Span<byte> buffer, int length, out int headerLength, out uint ssrc, out ulong index, out SrtpStream stream, out SrtpError error)
    {
        ThrowIfDisposed();
        ValidateLength(buffer, length);
        ssrc = 0;
        index = 0;
        stream = null!;
        error = ReadRtpHeaderLength(buffer.Slice(0, length), out headerLength);
        if (error != SrtpError.None)
        {
            return false;
        }

        if (buffer.Length - length < _rtp.TagLength)
        {
            error = SrtpError.BufferTooSmall;
            return false;
        }

        ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(2));
        ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(8));
        stream = _outbound.GetOrAdd(ssrc);

        // The sender estimates its own index exactly as a receiver will, so packets handed over out
        // of order (retransmissions, rewritten sequence numbers) get the ROC the receiver expects.
        // Refusing a repeated index keeps keystream and GCM nonces from ever being reused.
        error = SrtpStream.EstimateRtpIndex(in stream.Rtp, sequence, out index);
        if (error == SrtpError.None)
        {
            error = stream.Rtp.Check(index);
        }

        return error == SrtpError.None;
    }

    // buffer[0..length) holds an SRTP packet; on success buffer[0..unprotectedLength) holds the RTP
    // packet. On failure the buffer's contents are unspecified and the packet should be dropped.
    public bool TryUnprotectRtp(Span<byte> buffer, int length, out int unprotectedLength, out SrtpError error)
    {
        ThrowIfDisposed();
        ValidateLength(buffer, length);
        unprotectedLength = 0;
        int tagLength = _rtp.TagLength;
        if (length < 12 + tagLength)
        {
            error = SrtpError.TooShort;
            return false;
        }

        error = ReadRtpHeaderLength(buffer.Slice(0, length - tagLength), out int headerLength);
        if (error != SrtpError.None)
        {
            return false;
        }

        ushort sequence = BinaryPrimitives.ReadUInt16BigEndian(buffer.Slice(2));
        uint ssrc = BinaryPrimitives.ReadUInt32BigEndian(buffer.Slice(8));

        // An unknown SSRC gets state only once a packet from it authenticates, so forged packets
        // with random SSRCs cannot grow the table.
        var stream = _inbound.Find(ssrc);
        ulong index = sequence;
        if (stream is not null)
        {
            error = SrtpStream.EstimateRtpIndex(in stream.Rtp, sequence, out index);
            if (error == SrtpError.None)
            {
                error = stream.Rtp.Check(index);
            }

            if (error != SrtpError.None)
            {
                return false;
            }
        }

        if (!_rtp.UnprotectRtp(buffer, headerLength, length, ssrc, (uint)(index >> 16)))
        {
            error = SrtpError.AuthenticationFailed;
            return false;
        }

        (stream ?? _inbound.GetOrAdd(ssrc)).Rtp.Accept(index);
        unprotectedLength = length - tagLength;
        return true;
    }
}
