using BenchmarkDotNet.Attributes;
using Meet.Modules.Media.Mixing;
using Meet.Modules.Media.Transport;

namespace Meet.Benchmarks.Media.Mixing;

// One meeting's mixed frame (issue 17): three speakers' packets pushed into their jitter buffers,
// decoded, summed, limited, encoded four times (the full mix and three minus-one mixes) and written
// as RTP for every listener (the SRTP protect per listener is the forwarding path's, measured there).
// Frame time ÷ 20 ms is the share of a core one mixing meeting takes; 20 ms ÷ frame time the meetings
// mixed per core. Allocated must stay 0 B per frame.
//   dotnet run -c Release --project Meet.Benchmarks -- --filter '*AudioMixerBenchmarks*'
[MemoryDiagnoser]
public class AudioMixerBenchmarks
{
    private static readonly string[] SpeakerIds = ["s0", "s1", "s2"];

    private readonly MediaSender _sender = new(new MediaCounters());
    private AudioMixer _mixer = null!;
    private byte[][][] _packets = null!;
    private ushort _sequence;
    private int _frame;

    [Params(10, 500)]
    public int Listeners { get; set; }

    // libopus encoder complexity of the four mixes (the server's is 5): what a lower one would save.
    [Params(5, 2)]
    public int Complexity { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _mixer = new AudioMixer("bench", new MixerCounters(), complexity: Complexity);
        _packets = [.. new[] { 120.0, 180.0, 240.0 }.Select((pitch, i) => SpeechLikeSignal.Encode(SpeechLikeSignal.Create(pitch, i)))];
        var sink = new DiscardingSink();
        for (var i = 0; i < Listeners; i++)
            _mixer.AddListener(new MixListener(i < 3 ? $"s{i}" : $"l{i}", sink, "0", 111, 1));
        _mixer.SetSpeakers(SpeakerIds);
        for (var i = 0; i < 10; i++)
            MixFrame();
    }

    [Benchmark]
    public int MixFrame()
    {
        var index = _frame++ % _packets[0].Length;
        for (var s = 0; s < 3; s++)
            _mixer.TryPush(SpeakerIds[s], _sequence, _packets[s][index]);
        _sequence++;
        return _mixer.MixFrame(_sender);
    }

    [GlobalCleanup]
    public void Cleanup() => _mixer.Dispose();

    private sealed class DiscardingSink : IMixedAudioSink
    {
        public bool SendRtpPacket(ReadOnlySpan<byte> rtp, MediaSender sender) => rtp.Length > 0;

        public bool SendRtcp(ReadOnlySpan<byte> rtcp, MediaSender sender) => rtcp.Length > 0;
    }
}
