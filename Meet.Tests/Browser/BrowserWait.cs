namespace Meet.Tests.Browser;

// Polls an asynchronous condition (a page evaluation) until it holds: Playwright's WaitForFunction
// does not await async predicates (shared/TESTING.md).
internal static class BrowserWait
{
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string because)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
                return;
            await Task.Delay(200);
        }
        throw new TimeoutException(because);
    }
}
