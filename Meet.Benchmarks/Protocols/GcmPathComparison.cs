using System.Diagnostics;
using System.Globalization;
using Meet.Modules.Media.Protocols.Srtp.Crypto;

namespace Meet.Benchmarks.Protocols;

// `srtp-gcm [--rounds N]`: ns per AES-128-GCM encryption of a 1,200-byte SRTP payload on every path,
// measured in one run with the paths interleaved round by round and the fastest round kept, so a
// shared machine's noise hits them alike (BenchmarkDotNet's SrtpPrimitiveBenchmarks measure the same
// more carefully where the machine is quiet enough for its build and pilot stages).
internal static class GcmPathComparison
{
    private const int PacketsPerRound = 20_000;

    public static int Run(string[] args)
    {
        var rounds = args is ["--rounds", var r] && int.TryParse(r, CultureInfo.InvariantCulture, out var parsed) && parsed > 0 ? parsed : 15;
        var key = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();
        var paths = new List<(string Name, AeadCipher Cipher)>
        {
            ("openssl-evp", AeadCipher.Create(key, SrtpCipherPath.OpenSsl)),
            ("aes-ni + pclmulqdq", AeadCipher.Create(key, SrtpCipherPath.AesNi)),
            ($"aes-ni + vpclmulqdq-512 (wide: {AesNiGcm.IsWideSupported})", AeadCipher.Create(key, SrtpCipherPath.Vaes)),
            ("AesGcm (portable)", AeadCipher.Create(key, SrtpCipherPath.Portable)),
        };
        var data = new byte[1200];
        var nonce = new byte[12];
        var aad = new byte[12];
        var tag = new byte[16];
        var best = new double[paths.Count];
        Array.Fill(best, double.MaxValue);
        for (var round = 0; round < rounds; round++)
        {
            for (var p = 0; p < paths.Count; p++)
            {
                var cipher = paths[p].Cipher;
                var start = Stopwatch.GetTimestamp();
                for (var i = 0; i < PacketsPerRound; i++)
                    cipher.Encrypt(nonce, aad, default, data, tag);
                var ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / PacketsPerRound;
                best[p] = Math.Min(best[p], ns);
            }
        }
        Console.WriteLine(FormattableString.Invariant($"AES-128-GCM, 1,200-byte payload + 12-byte AAD, fastest of {rounds} rounds x {PacketsPerRound:N0} (load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}):"));
        for (var p = 0; p < paths.Count; p++)
        {
            Console.WriteLine(FormattableString.Invariant($"  {paths[p].Name,-45} {best[p],7:F0} ns   ratio to openssl {best[p] / best[0]:F2}"));
            paths[p].Cipher.Dispose();
        }
        return 0;
    }
}
