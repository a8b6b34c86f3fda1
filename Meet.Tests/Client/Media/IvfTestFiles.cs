using System.Buffers.Binary;
using System.Diagnostics;

namespace Meet.Tests.Client.Media;

internal static class IvfTestFiles
{
    private static readonly Lazy<byte[]> Clip = new(EncodeClip);

    // A 1 s 320x240 test pattern encoded at test time by Debian's ffmpeg (libvpx), keyframe every 30 frames.
    public static byte[] Vp8Clip => Clip.Value;

    public static byte[] Build(IReadOnlyList<byte[]> frames)
    {
        var file = new byte[32 + frames.Sum(f => 12 + f.Length)];
        "DKIF"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(6), 32);
        "VP80"u8.CopyTo(file.AsSpan(8));
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(12), 320);
        BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(14), 240);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(16), 30);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(20), 1);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(24), frames.Count);
        var offset = 32;
        for (var i = 0; i < frames.Count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(offset), frames[i].Length);
            BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(offset + 4), i);
            frames[i].CopyTo(file.AsSpan(offset + 12));
            offset += 12 + frames[i].Length;
        }
        return file;
    }

    private static byte[] EncodeClip()
    {
        var path = Path.Combine(Path.GetTempPath(), $"meet-vp8-{Environment.ProcessId}.ivf");
        var info = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=30",
                     "-t", "1", "-c:v", "libvpx", "-b:v", "300k", "-g", "30", "-deadline", "realtime", "-y", path })
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException("ffmpeg failed: " + errors);
        try
        {
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
