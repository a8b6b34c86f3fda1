using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Meet.Modules.Meetings.Internal;

// Reads named fields from a JSON object and collects one message per bad field, so a 400 names
// every field that is missing, wrongly typed or out of range (RFC 7807 "errors" extension).
internal sealed class RequestFields(JsonElement root)
{
    private Dictionary<string, string[]>? errors;

    public bool HasErrors => errors is not null;

    public string? String(string name, bool required, int maxLength)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
                Fail(name, "is required");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            Fail(name, $"must be a string, not {Describe(value.ValueKind)}");
            return null;
        }
        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") is valid JSON but not a string .NET can decode.
            Fail(name, "must be valid Unicode text");
            return null;
        }
        if (TextRules.Check(text, maxLength) is { } problem)
        {
            Fail(name, problem);
            return null;
        }
        return text;
    }

    public bool Boolean(string name, bool defaultValue)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return defaultValue;
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
            return value.GetBoolean();
        Fail(name, $"must be true or false, not {Describe(value.ValueKind)}");
        return defaultValue;
    }

    public int Integer(string name, int defaultValue, int minimum, int maximum)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return defaultValue;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= minimum && number <= maximum)
            return number;
        Fail(name, $"must be a whole number from {minimum} to {maximum}");
        return defaultValue;
    }

    // An enum field written in lower case ("forward", "mix"); absent or null = defaultValue.
    public TEnum Choice<TEnum>(string name, TEnum defaultValue) where TEnum : struct, Enum
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return defaultValue;
        var names = Enum.GetNames<TEnum>().Select(n => n.ToLowerInvariant()).ToArray();
        var expected = string.Join(" or ", names.Select(n => $"\"{n}\""));
        if (value.ValueKind != JsonValueKind.String)
        {
            Fail(name, $"must be {expected}, not {Describe(value.ValueKind)}");
            return defaultValue;
        }
        int index;
        try
        {
            index = Array.FindIndex(names, n => value.ValueEquals(n));
        }
        catch (InvalidOperationException)
        {
            // An escaped lone surrogate ("\ud800") is valid JSON but not text .NET can compare.
            index = -1;
        }
        if (index < 0)
        {
            Fail(name, $"must be {expected}");
            return defaultValue;
        }
        return Enum.GetValues<TEnum>()[index];
    }

    // A field whose value is valid alone but conflicts with another field.
    public void Reject(string name, string message) => Fail(name, message);

    public bool Has(string name) => root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public IResult ToProblem()
    {
        var detail = string.Join("; ", errors!.Select(e => $"{e.Key} {e.Value[0]}"));
        return TypedResults.ValidationProblem(errors!, detail: detail, title: "The request has invalid fields.");
    }

    private void Fail(string name, string message) => (errors ??= new(StringComparer.Ordinal))[name] = [message];

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
