namespace Meet.Tests.Browser;

// Polls an asynchronous condition (a page evaluation) until it holds: Playwright's WaitForFunction
// does not await async predicates (shared/TESTING.md).
internal static class BrowserWait
{
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string because) =>
        UntilAsync(condition, timeout, () => because);

    // A condition on server-side state, with a message built when it fails: the values it names are
    // those at the deadline, not at the start.
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> because) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, because);

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> because)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
                return;
            await Task.Delay(200);
        }
        throw new TimeoutException(because());
    }
}
