using BenchmarkDotNet.Attributes;
using Concentus.Enums;
using Meet.Modules.Media.Mixing;

namespace Meet.Benchmarks.Media.Mixing;

// The mixer's codec choice (issue 17): one 20 ms mono 48 kHz frame decoded and encoded by Debian's
// libopus through our P/Invoke binding, and by Concentus 2.2.2 (the managed port) with the same
// settings (VoIP, voice, 32 kbit/s, complexity 5, in-band FEC). Ratios are read within one run.
//   dotnet run -c Release --project Meet.Benchmarks -- --filter '*OpusCodecBenchmarks*'
[MemoryDiagnoser]
public class OpusCodecBenchmarks
{
    private readonly float[] _frame = new float[MixFormat.FrameSamples];
    private readonly byte[] _encoded = new byte[MixFormat.MaxEncodedBytes];
    private float[] _signal = null!;
    private byte[][] _packets = null!;
    private OpusEncoder _libopusEncoder = null!;
    private OpusDecoder _libopusDecoder = null!;
#pragma warning disable CS0618 // the Structs constructors are the managed codec itself; the factory may pick native libopus
    private Concentus.Structs.OpusEncoder _concentusEncoder = null!;
    private Concentus.Structs.OpusDecoder _concentusDecoder = null!;
#pragma warning restore CS0618
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _signal = SpeechLikeSignal.Create(180, 1);
        _packets = SpeechLikeSignal.Encode(_signal);
        _libopusEncoder = new OpusEncoder(32000, 5);
        _libopusDecoder = new OpusDecoder();
#pragma warning disable CS0618
        _concentusEncoder = new Concentus.Structs.OpusEncoder(MixFormat.SampleRate, 1, OpusApplication.OPUS_APPLICATION_VOIP)
        {
            Bitrate = 32000,
            Complexity = 5,
            SignalType = OpusSignal.OPUS_SIGNAL_VOICE,
            UseInbandFEC = true,
            PacketLossPercent = 5,
        };
        _concentusDecoder = new Concentus.Structs.OpusDecoder(MixFormat.SampleRate, 1);
#pragma warning restore CS0618
    }

    private int NextIndex() => _next = (_next + 1) % _packets.Length;

    [Benchmark(Baseline = true)]
    public int Decode_libopus() => _libopusDecoder.Decode(_packets[NextIndex()], _frame);

    [Benchmark]
    public int Decode_Concentus() => _concentusDecoder.Decode(_packets[NextIndex()], _frame, MixFormat.FrameSamples);

    [Benchmark]
    public int Encode_libopus() =>
        _libopusEncoder.Encode(_signal.AsSpan(NextIndex() * MixFormat.FrameSamples, MixFormat.FrameSamples), _encoded);

    [Benchmark]
    public int Encode_Concentus() =>
        _concentusEncoder.Encode(_signal.AsSpan(NextIndex() * MixFormat.FrameSamples, MixFormat.FrameSamples), MixFormat.FrameSamples, _encoded, _encoded.Length);

    [GlobalCleanup]
    public void Cleanup()
    {
        _libopusEncoder.Dispose();
        _libopusDecoder.Dispose();
    }
}
