using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Meet.Tests.Media.Protocols.Sdp;

// Runs the Debian Chromium headless on a local page inside a fresh network namespace with only
// loopback up (TESTING.md network rule) and returns what the page logged with console.log("OUT ...").
internal static partial class HeadlessChromium
{
    private const string Executable = "/usr/bin/chromium";

    public static async Task<string> RunPageAsync(string html, TimeSpan timeout)
    {
        string dir = Directory.CreateTempSubdirectory("meet-chromium-").FullName;
        try
        {
            string page = Path.Combine(dir, "page.html");
            await File.WriteAllTextAsync(page, html);
            string profile = Path.Combine(dir, "profile");
            string command = "ip link set lo up && exec " + Executable
                + " --headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run"
                + " --disable-background-networking --disable-component-update --disable-sync"
                + " --use-fake-ui-for-media-stream --use-fake-device-for-media-stream --allow-loopback-in-peer-connection"
                + $" --user-data-dir={profile} --enable-logging=stderr --v=0 file://{page}";
            var info = new ProcessStartInfo("unshare") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (string argument in new[] { "--net", "bash", "-c", command })
            {
                info.ArgumentList.Add(argument);
            }

            var log = new StringBuilder();
            using var process = new Process { StartInfo = info };
            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (log)
                {
                    log.AppendLine(e.Data);
                }

                Match match = OutputPattern().Match(e.Data);
                if (match.Success)
                {
                    done.TrySetResult(match.Groups[1].Value);
                }
            };
            process.OutputDataReceived += (_, _) => { };
            process.Start();
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            try
            {
                return await done.Task.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                lock (log)
                {
                    throw new TimeoutException("Chromium printed no result. Its log:\n" + log);
                }
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [GeneratedRegex("\"OUT ([^\"]*)\"")]
    private static partial Regex OutputPattern();
}
