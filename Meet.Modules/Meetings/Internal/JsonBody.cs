using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Meet.Modules.Meetings.Internal;

// The meetings API parses bodies itself instead of model binding, so that every kind of bad input
// (wrong media type, oversize, malformed JSON, wrong field types) gets a problem+json that says
// what is wrong, never a 500.
internal static class JsonBody
{
    public const int MaxBytes = 16 * 1024;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 16 };

    // Problem is set when the body is unusable. An absent body is allowed when optional (join).
    public static async Task<(JsonDocument? Document, IResult? Problem)> ReadObjectAsync(HttpRequest request, bool optional, CancellationToken cancellationToken)
    {
        var canHaveBody = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        if (request.ContentLength == 0 || !canHaveBody)
        {
            return optional
                ? (null, null)
                : (null, Problem(StatusCodes.Status400BadRequest, "Request body required", "Send a JSON object."));
        }
        if (!request.HasJsonContentType())
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", "Content-Type must be application/json."));
        if (request.ContentLength > MaxBytes)
            return (null, TooLarge());

        try
        {
            var reader = request.BodyReader;
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (read.Buffer.Length > MaxBytes)
                {
                    reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                    return (null, TooLarge());
                }
                if (read.IsCompleted || read.IsCanceled)
                {
                    try
                    {
                        // Copy: JsonDocument keeps using a single-segment buffer it was given, and the
                        // pipe recycles that memory for other requests once it is advanced past.
                        var document = JsonDocument.Parse(read.Buffer.ToArray(), DocumentOptions);
                        if (document.RootElement.ValueKind != JsonValueKind.Object)
                        {
                            document.Dispose();
                            return (null, Problem(StatusCodes.Status400BadRequest, "Invalid request body", "The body must be a JSON object."));
                        }
                        return (document, null);
                    }
                    catch (JsonException ex)
                    {
                        return (null, Problem(StatusCodes.Status400BadRequest, "Malformed JSON",
                            $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1})."));
                    }
                    finally
                    {
                        reader.AdvanceTo(read.Buffer.End);
                    }
                }
                // Not complete yet: keep everything and ask for more.
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
        catch (BadHttpRequestException ex)
        {
            return (null, Problem(ex.StatusCode, "Bad request body", ex.Message));
        }
    }

    private static IResult TooLarge() =>
        Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large", $"The body must be at most {MaxBytes} bytes.");

    private static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
