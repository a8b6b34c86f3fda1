namespace Meet.Tests.Support;

// Things started once per test run (PostgreSQL, shared hosts), disposed newest first at the end.
internal static class TestResources
{
    private static readonly Stack<IAsyncDisposable> Resources = new();
    private static readonly Lock Gate = new();

    public static void Register(IAsyncDisposable resource)
    {
        lock (Gate)
            Resources.Push(resource);
    }

    public static async Task DisposeAllAsync()
    {
        while (true)
        {
            IAsyncDisposable? next;
            lock (Gate)
            {
                if (!Resources.TryPop(out next))
                    return;
            }
            await next.DisposeAsync().ConfigureAwait(false);
        }
    }
}
