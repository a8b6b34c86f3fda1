using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// A Chromium participant: a fresh Playwright browser context (own storage, fake devices) per page.
internal sealed class ChromiumParticipantPage(IPage page) : IParticipantPage
{
    public IPage Page { get; } = page;

    public string Browser => "Chromium";

    public async Task GotoAsync(string path) => await Page.GotoAsync(path);

    public Task<T> EvaluateAsync<T>(string script) => Page.EvaluateAsync<T>(script);

    public async ValueTask DisposeAsync() => await Page.Context.CloseAsync();
}
