using BenchmarkDotNet.Attributes;
using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Benchmarks.Protocols;

// The building blocks behind SrtpBenchmarks, one 1,200-byte packet's worth each, to show where a
// profile's time goes:
//   dotnet run -c Release --project Meet.Benchmarks -- --filter '*SrtpPrimitiveBenchmarks*' --job short
[MemoryDiagnoser]
public class SrtpPrimitiveBenchmarks
{
    private readonly byte[] _data = new byte[1200];
    private readonly byte[] _iv = new byte[16];
    private readonly byte[] _nonce = new byte[12];
    private readonly byte[] _aad = new byte[12];
    private readonly byte[] _tag = new byte[16];
    private readonly byte[] _digest = new byte[20];
    private CtrCipher _aesNi = null!;
    private CtrCipher _evpCtr = null!;
    private CtrCipher _ecbCtr = null!;
    private HmacSha1 _sha1 = null!;
    private HmacSha1 _incrementalHash = null!;
    private AeadCipher _evpGcm = null!;
    private AeadCipher _aesGcm = null!;
    private AeadCipher _aesNiGcm = null!;
    private AeadCipher _wideGcm = null!;

    [GlobalSetup]
    public void Setup()
    {
        var key = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        _aesNi = CtrCipher.Create(key, SrtpCipherPath.AesNi);
        _evpCtr = CtrCipher.Create(key, SrtpCipherPath.OpenSsl);
        _ecbCtr = CtrCipher.Create(key, SrtpCipherPath.Portable);
        _sha1 = HmacSha1.Create(new byte[20], SrtpMacPath.OpenSsl);
        _incrementalHash = HmacSha1.Create(new byte[20], SrtpMacPath.Portable);
        _evpGcm = AeadCipher.Create(key, SrtpCipherPath.OpenSsl);
        _aesGcm = AeadCipher.Create(key, SrtpCipherPath.Portable);
        _aesNiGcm = AeadCipher.Create(key, SrtpCipherPath.AesNi);
        _wideGcm = AeadCipher.Create(key, SrtpCipherPath.Vaes);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _aesNi.Dispose();
        _evpCtr.Dispose();
        _ecbCtr.Dispose();
        _sha1.Dispose();
        _incrementalHash.Dispose();
        _evpGcm.Dispose();
        _aesGcm.Dispose();
        _aesNiGcm.Dispose();
        _wideGcm.Dispose();
    }

    [Benchmark]
    public void CtrAesNi() => _aesNi.Transform(_iv, _data);

    [Benchmark]
    public void CtrEvp() => _evpCtr.Transform(_iv, _data);

    [Benchmark]
    public void CtrEcbTransform() => _ecbCtr.Transform(_iv, _data);

    [Benchmark]
    public void HmacSha1OpenSsl() => _sha1.Compute(_data, _digest);

    [Benchmark]
    public void HmacSha1IncrementalHash() => _incrementalHash.Compute(_data, _digest);

    [Benchmark]
    public void GcmEvp() => _evpGcm.Encrypt(_nonce, _aad, default, _data, _tag);

    [Benchmark]
    public void GcmAesNi() => _aesNiGcm.Encrypt(_nonce, _aad, default, _data, _tag);

    // GHASH on 512-bit VPCLMULQDQ (issue 14).
    [Benchmark]
    public void GcmWide() => _wideGcm.Encrypt(_nonce, _aad, default, _data, _tag);

    [Benchmark]
    public void GcmAesGcm() => _aesGcm.Encrypt(_nonce, _aad, default, _data, _tag);
}
