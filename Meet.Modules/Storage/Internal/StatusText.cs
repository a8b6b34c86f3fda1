namespace Meet.Modules.Storage.Internal;

// The schema stores states as upper-case words ('ACTIVE', 'ONLINE', 'CONNECTING').
internal static class StatusText
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum =>
        value.ToString().ToUpperInvariant();

    public static TEnum Parse<TEnum>(string text) where TEnum : struct, Enum =>
        Enum.Parse<TEnum>(text, ignoreCase: true);
}
