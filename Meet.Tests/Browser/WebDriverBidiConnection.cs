using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Meet.Tests.Browser;

// A minimal WebDriver BiDi client (W3C WebDriver BiDi: command {id, method, params} -> {id, type:
// "success", result} | {id, type: "error", error, message}; events have no id and are ignored).
// Why our own: PuppeteerSharp 25.15/25.17 need WebDriverBiDi 0.0.61, which the package feed here
// does not serve; the 0.0.63/0.0.64 it resolves instead are binary-incompatible (MissingMethodException
// in Session.InitializeAsync). The few commands the tests need fit in this class.
internal sealed class WebDriverBidiConnection : IAsyncDisposable
{
    private readonly ClientWebSocket socket = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonNode?>> pending = new();
    private readonly SemaphoreSlim sendLock = new(1, 1);
    private readonly CancellationTokenSource closing = new();
    private Task? receiveLoop;
    private long nextId;

    public static async Task<WebDriverBidiConnection> ConnectAsync(Uri endpoint, TimeSpan timeout)
    {
        var connection = new WebDriverBidiConnection();
        using var cts = new CancellationTokenSource(timeout);
        await connection.socket.ConnectAsync(endpoint, cts.Token);
        connection.receiveLoop = Task.Run(connection.ReceiveLoopAsync);
        return connection;
    }

    public async Task<JsonNode?> SendAsync(string method, object parameters, TimeSpan? timeout = null)
    {
        var id = Interlocked.Increment(ref nextId);
        var completion = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending[id] = completion;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new { id, method, @params = parameters });
        await sendLock.WaitAsync();
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, closing.Token);
        }
        finally
        {
            sendLock.Release();
        }
        try
        {
            return await completion.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"WebDriver BiDi {method} got no answer in time.");
        }
        finally
        {
            pending.TryRemove(id, out _);
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (!closing.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer, closing.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                    break;
                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                    continue;
                Dispatch(JsonNode.Parse(message.ToArray()));
                message.SetLength(0);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or JsonException)
        {
            // The browser closed or was killed: fail what is still waiting (below).
        }
        foreach (var waiting in pending.Values)
            waiting.TrySetException(new InvalidOperationException("The WebDriver BiDi connection closed."));
    }

    private void Dispatch(JsonNode? message)
    {
        if (message?["id"] is not { } idNode || !pending.TryGetValue(idNode.GetValue<long>(), out var completion))
            return;
        if ((string?)message["type"] == "success")
            completion.TrySetResult(message["result"]);
        else
            completion.TrySetException(new InvalidOperationException($"WebDriver BiDi error {message["error"]}: {message["message"]}"));
    }

    public async ValueTask DisposeAsync()
    {
        await closing.CancelAsync();
        try
        {
            if (socket.State == WebSocketState.Open)
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (Exception ex) when (ex is WebSocketException or TimeoutException or OperationCanceledException)
        {
            // Already gone.
        }
        if (receiveLoop is not null)
            await receiveLoop.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        socket.Dispose();
        closing.Dispose();
        sendLock.Dispose();
    }
}
