namespace Meet.Tests.Browser;

// One meeting participant's page, whichever browser drives it (Playwright for Chromium, PuppeteerSharp
// over WebDriver BiDi for Firefox), so one test can put both browsers in the same call (issue 12).
internal interface IParticipantPage : IAsyncDisposable
{
    string Browser { get; }

    Task GotoAsync(string path);

    // script is a JavaScript function expression, e.g. "() => window.meet.state"; an async function's
    // promise is awaited.
    Task<T> EvaluateAsync<T>(string script);
}
