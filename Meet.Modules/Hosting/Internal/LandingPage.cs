namespace Meet.Modules.Hosting.Internal;

// A minimal page so that `dotnet run --project Meet.Host` shows something useful; the real web
// client comes with signaling and media.
internal static class LandingPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Meet</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}
        input,button{font-size:1rem;padding:.4rem;margin:.2rem 0}code{background:#eee;padding:.1rem .3rem}</style></head>
        <body><h1>Meet</h1>
        <form id="create"><label>Your id <input name="hostId" value="host" required maxlength="64"></label><br>
        <label>Title <input name="meetingTitle" value="My meeting" required maxlength="256"></label><br>
        <label><input type="checkbox" name="allowGuestJoin" checked> allow guests</label>
        <label><input type="checkbox" name="defaultMuted"> join muted</label><br>
        <button>Create meeting</button></form>
        <p id="out"></p>
        <p>API: <a href="/openapi/v1.json">OpenAPI document</a> · <a href="/healthz">health</a> · <a href="/metrics">metrics</a></p>
        <script>
        document.getElementById('create').onsubmit = async e => {
          e.preventDefault();
          const f = new FormData(e.target);
          const r = await fetch('/v1/meetings', {method:'POST', headers:{'Content-Type':'application/json'},
            body: JSON.stringify({hostId:f.get('hostId'), meetingTitle:f.get('meetingTitle'),
              allowGuestJoin:f.has('allowGuestJoin'), defaultMuted:f.has('defaultMuted')})});
          const j = await r.json();
          const out = document.getElementById('out');
          out.textContent = r.ok ? 'Share this link: ' + j.joinUrl : (j.detail || j.title);
        };
        </script></body></html>
        """;

    public const string JoinHtml = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Meet</title>
        <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}</style></head>
        <body><h1 id="title">Meeting</h1><p id="state"></p>
        <script>
        const id = location.pathname.split('/').pop();
        fetch('/v1/meetings/' + encodeURIComponent(id)).then(async r => {
          const j = await r.json();
          document.getElementById('title').textContent = r.ok ? j.meetingTitle : (j.title || 'Meeting');
          document.getElementById('state').textContent = r.ok
            ? 'Meeting ' + j.meetingId + ' is open. The in-browser client arrives with signaling and media.'
            : (j.detail || '');
        });
        </script></body></html>
        """;
}
