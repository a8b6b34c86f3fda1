using System.Collections.Concurrent;
using System.Diagnostics;

namespace Meet.Tests.Client;

// The random life of one churn bot, drawn from its own seeded Random (ChurnTests, the browser churn test).
internal static class ChurnScript
{
    // One bot's life: join at a random moment, maybe publish, toggle the camera, maybe leave.
    public static async Task RunAsync(ChurnBot bot, Random random, string meetingId, ConcurrentQueue<string> log, HashSet<ChurnBot> gone, TimeSpan shortest, TimeSpan longest)
    {
        var clock = Stopwatch.StartNew();
        await Task.Delay(random.Next(0, 3000));
        await bot.JoinAsync(meetingId);
        log.Enqueue($"{clock.ElapsedMilliseconds,6} {bot.Name} joined as {bot.Id}");
        var publishes = random.Next(3) > 0;
        var leaves = random.Next(10) < 3;
        var end = TimeSpan.FromMilliseconds(random.Next((int)shortest.TotalMilliseconds, (int)longest.TotalMilliseconds));
        if (publishes)
        {
            await Task.Delay(random.Next(0, 1500));
            await bot.PublishAsync();
            log.Enqueue($"{clock.ElapsedMilliseconds,6} {bot.Name} published");
        }
        while (clock.Elapsed < end)
        {
            await Task.Delay(random.Next(300, 4000));
            // Off is the rarer move, so most publishers end with their camera on.
            if (publishes && random.Next(bot.CameraOn ? 3 : 1) == 0)
            {
                var on = !bot.CameraOn;
                await bot.SetCameraAsync(on);
                log.Enqueue($"{clock.ElapsedMilliseconds,6} {bot.Name} camera {(on ? "on" : "off")}");
            }
            if (leaves && clock.Elapsed > end / 2)
                break;
        }
        if (leaves)
        {
            await bot.LeaveAsync();
            lock (gone)
                gone.Add(bot);
            log.Enqueue($"{clock.ElapsedMilliseconds,6} {bot.Name} left");
        }
    }
}
