using System.Text;

namespace Meet.Benchmarks.Meeting;

// One video encoding a synthetic camera sends: a simulcast layer (rid q/h/f, the SSRC learned by the SFU
// from the mid and rid extensions) or the single announced stream (no rid). The pacer's thread owns
// the mutable state.
internal sealed class PublishedLayer(VideoLayer shape, uint ssrc)
{
    public VideoLayer Shape { get; } = shape;

    public uint Ssrc { get; } = ssrc;

    public byte[] Rid { get; } = shape.Rid is null ? [] : Encoding.ASCII.GetBytes(shape.Rid);

    internal ushort Sequence;
    internal uint FrameCount;
    internal long NextFrameTicks;
    internal bool KeyframePending = true;
    internal long LastKeyframeTicks;

    // Set by the SFU's PLI/FIR for this layer (any thread), taken by the pacer.
    internal int KeyframeRequested;
}

// A layer's shape: the seed's simulcast is 180p 150 kbps 15 fps, 360p 500 kbps 24 fps, 720p 1.5 Mbps
// 30 fps (design.txt). Frame rates are before the run's scale.
internal sealed record VideoLayer(string? Rid, int Kbps, double FramesPerSecond, int Width, int Height)
{
    // A delta frame: bitrate / frame rate; keyframes are about five times that.
    public int DeltaFrameBytes => Math.Max(200, (int)(Kbps * 1000 / 8 / FramesPerSecond));

    public int KeyframeBytes => DeltaFrameBytes * 5;
}
