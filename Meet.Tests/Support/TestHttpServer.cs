using System.Net.Sockets;
using System.Text;

namespace Meet.Tests.Support;

// The smallest HTTP/1.1 server a test page needs: one request per connection, Content-Length bodies.
// One task per connection, because Chromium opens speculative connections that never send a request.
internal static class TestHttpServer
{
    public delegate (int Status, string ContentType, string Content) Handler(string method, string path, string body);

    public static async Task ServeAsync(Socket listener, Handler handler, CancellationToken cancellation)
    {
        var connections = new List<Task>();
        while (!cancellation.IsCancellationRequested)
        {
            try
            {
                connections.Add(HandleAsync(await listener.AcceptAsync(cancellation), handler, cancellation));
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(connections);
    }

    private static async Task HandleAsync(Socket client, Handler handler, CancellationToken cancellation)
    {
        using (client)
        {
            try
            {
                var (method, path, body) = await ReadRequestAsync(client, cancellation);
                var (status, type, content) = handler(method, path, body);
                byte[] payload = Encoding.UTF8.GetBytes(content);
                byte[] head = Encoding.ASCII.GetBytes(
                    $"HTTP/1.1 {status} X\r\nContent-Type: {type}\r\nContent-Length: {payload.Length}\r\nConnection: close\r\n\r\n");
                await client.SendAsync(head.Concat(payload).ToArray(), cancellation);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or FormatException)
            {
                // A speculative connection closed without a request, or the test is over.
            }
        }
    }

    private static async Task<(string Method, string Path, string Body)> ReadRequestAsync(Socket client, CancellationToken cancellation)
    {
        var received = new List<byte>();
        byte[] buffer = new byte[16384];
        int headerEnd = -1, contentLength = 0;
        while (headerEnd < 0 || received.Count < headerEnd + 4 + contentLength)
        {
            int n = await client.ReceiveAsync(buffer, cancellation);
            if (n == 0)
            {
                throw new FormatException("The connection closed before a complete request.");
            }

            received.AddRange(buffer.AsSpan(0, n));
            if (headerEnd < 0)
            {
                string soFar = Encoding.ASCII.GetString(received.ToArray());
                headerEnd = soFar.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (headerEnd >= 0)
                {
                    string? length = soFar[..headerEnd].Split("\r\n")
                        .FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                    contentLength = length is null ? 0 : int.Parse(length["Content-Length:".Length..].Trim());
                }
            }
        }

        string request = Encoding.UTF8.GetString(received.ToArray());
        string[] line = request[..request.IndexOf("\r\n", StringComparison.Ordinal)].Split(' ');
        return line.Length < 2 ? throw new FormatException("Malformed request line.") : (line[0], line[1], request[(headerEnd + 4)..]);
    }
}
