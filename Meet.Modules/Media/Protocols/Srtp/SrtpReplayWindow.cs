using System.Runtime.CompilerServices;

namespace Meet.Modules.Media.Protocols.Srtp;

// RFC 3711 §3.3.2 replay list as a sliding bitmap over the last Size indices, kept as a ring so
// advancing by one clears one bit instead of shifting the whole map. 1,024 packets, as WebRTC uses
// for SRTP receive, because retransmissions and pacing bursts arrive far behind the newest packet.
internal struct SrtpReplayWindow
{
    public const int Size = 1024;
    private const int WordCount = Size / 64;

    private Bitmap _bits;
    private ulong _highest;
    private bool _initialised;

    public readonly bool IsInitialised => _initialised;

    public readonly ulong Highest => _highest;

    public readonly SrtpError Check(ulong index)
    {
        if (!_initialised || index > _highest)
        {
            return SrtpError.None;
        }

        if (_highest - index >= Size)
        {
            return SrtpError.TooOld;
        }

        return IsSet(index) ? SrtpError.Replayed : SrtpError.None;
    }

    // Called only after the packet authenticated (RFC 3711 §3.3 step 7), so forged packets can
    // neither advance the window nor mark indices as seen.
    public void Accept(ulong index)
    {
        if (!_initialised)
        {
            _initialised = true;
            _highest = index;
        }
        else if (index > _highest)
        {
            ulong delta = index - _highest;
            if (delta >= Size)
            {
                ((Span<ulong>)_bits).Clear();
            }
            else
            {
                // The slots between the old and new highest belonged to indices now out of reach.
                for (ulong i = _highest + 1; i < index; i++)
                {
                    ClearBit(i);
                }
            }

            _highest = index;
        }

        SetBit(index);
    }

    private readonly bool IsSet(ulong index) =>
        (_bits[(int)((index / 64) % WordCount)] & (1UL << (int)(index % 64))) != 0;

    private void SetBit(ulong index) => _bits[(int)((index / 64) % WordCount)] |= 1UL << (int)(index % 64);

    private void ClearBit(ulong index) => _bits[(int)((index / 64) % WordCount)] &= ~(1UL << (int)(index % 64));

    [InlineArray(WordCount)]
    private struct Bitmap
    {
        private ulong _word;
    }
}
