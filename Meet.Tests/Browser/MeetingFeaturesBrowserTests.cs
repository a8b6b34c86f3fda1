using Meet.Modules.Client;
using Meet.Modules.Client.Media;
using Meet.Modules.Media;
using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Transport;
using Meet.Modules.Signaling.Internal;
using Meet.Tests.Media.Mixing;
using Microsoft.Playwright;

namespace Meet.Tests.Browser;

// Issue 13 through the web client: chat, raised hands in the host's roster, device switching in the
// call, host mute enforced by the SFU, removal and ending. Three Chromium pages per call in one shared browser; the first page creates
// the meeting from the landing page and is its host.
public sealed class MeetingFeaturesBrowserTests : BrowserFixture
{
    private sealed record Call(IPage Host, IPage Bob, IPage Carol, string HostId, string BobId, string CarolId);

    private async Task<Call> StartCallAsync()
    {
        var host = await Harness.NewParticipantAsync(Browser);
        await MeetPage.JoinFromLandingAsync(host, "Alice", link: null);
        await MeetPage.WaitForStateAsync(host, MediaTimeout, "joined");
        var link = host.Url;
        var bob = await Harness.NewParticipantAsync(Browser);
        await MeetPage.JoinFromLandingAsync(bob, "Bob", link);
        var carol = await Harness.NewParticipantAsync(Browser);
        await MeetPage.JoinFromLandingAsync(carol, "Carol", link);
        foreach (var page in new[] { bob, carol })
            await MeetPage.WaitForStateAsync(page, MediaTimeout, "joined");
        var ids = new List<string>();
        foreach (var page in new[] { host, bob, carol })
            ids.Add((await MeetPage.ParticipantIdAsync(page))!);
        foreach (var page in new[] { host, bob, carol })
            await EventuallyAsync(async () => await page.EvaluateAsync<int>("() => window.meet.roster().participants.length") == 2, "every roster holds the two others");
        return new Call(host, bob, carol, ids[0], ids[1], ids[2]);
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition, string because)
    {
        var deadline = DateTime.UtcNow + MediaTimeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"timed out waiting until {because}");
            await Task.Delay(100);
        }
    }

    private static async Task SendChatAsync(IPage page, string text)
    {
        if (await page.IsHiddenAsync("#chat-panel"))
            await page.ClickAsync("#toggle-chat");
        await page.FillAsync("#chat-input", text);
        await page.PressAsync("#chat-input", "Enter");
        await page.WaitForSelectorAsync($"#chat-messages li:has-text('{text}')");
    }

    private static Task<string[]> ChatTextsAsync(IPage page) =>
        page.EvaluateAsync<string[]>("() => window.meet.chatMessages().map(m => m.text)");

    private static async Task<long> AudioFromAsync(IPage page, string participantId) =>
        (await MeetPage.StatsAsync(page)).TryGetValue(participantId, out var stats) ? stats.AudioPacketsReceived : 0;

    [Test]
    public async Task Chat_appears_everywhere_in_order_hands_show_in_raise_order_devices_switch_and_screenshots_are_kept()
    {
        var call = await StartCallAsync();

        await SendChatAsync(call.Host, "hello from Alice");
        await SendChatAsync(call.Bob, "hi, Bob here");
        await SendChatAsync(call.Host, "third message");
        string[] expected = ["hello from Alice", "hi, Bob here", "third message"];
        foreach (var page in new[] { call.Host, call.Bob, call.Carol })
            await EventuallyAsync(async () => (await ChatTextsAsync(page)).SequenceEqual(expected), "every page shows the chat in order");
        // Carol never opened the chat: the toolbar counts what she has not read.
        (await call.Carol.InnerTextAsync("#chat-unread")).Should().Be("3");

        await call.Carol.ClickAsync("#raise-hand");
        await EventuallyAsync(async () => (await call.Host.EvaluateAsync<int>($"() => window.meet.rosterDetails().find(p => p.participantId === '{call.CarolId}').handRaisedOrder")) > 0, "the host sees carol's hand");
        // Bob raises his with the keyboard shortcut (typing in the chat box must not raise it: leave the box first).
        await call.Bob.EvaluateAsync("() => document.activeElement.blur()");
        await call.Bob.Keyboard.PressAsync("h");
        await call.Host.ClickAsync("#toggle-people");
        var rows = $"#roster-panel li.roster-row[data-hand-order]:not([data-hand-order='0'])";
        await EventuallyAsync(async () => (await call.Host.Locator(rows).CountAsync()) == 2, "the host's people panel shows two raised hands");
        var order = await call.Host.Locator(rows).EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.participantId)");
        order.Should().Equal([call.CarolId, call.BobId], "hands are listed in the order they were raised");
        (await call.Host.InnerTextAsync("#participant-count")).Should().Be("3 people");

        // The roster says what the server knows of each connection: carol's media path failing (reported
        // here at the server as ICE/DTLS would) shows on her row in the host's people panel, then clears.
        var carolSession = Harness.Host.Get<SessionRegistry>().Sessions.Single(s => s.ParticipantId == call.CarolId);
        var carolRow = $"#roster-panel li.roster-row[data-participant-id='{call.CarolId}']";
        carolSession.OnConnectionStateChanged(MediaConnectionState.Failed);
        await EventuallyAsync(async () => await call.Host.GetAttributeAsync(carolRow, "data-connection") == "media_failed"
            && await call.Host.Locator($"{carolRow} svg[aria-label='media connection failed']").CountAsync() == 1, "the host's roster shows carol's failed media");
        carolSession.OnConnectionStateChanged(MediaConnectionState.Connected);
        await EventuallyAsync(async () => await call.Host.GetAttributeAsync(carolRow, "data-connection") == "connected", "and clears it when it is back");
        (await call.Bob.InnerTextAsync("#meeting-title")).Should().Be("Alice's meeting", "the header names the meeting");

        // The mute shortcut (M) mutes Carol's microphone, and the host's roster shows it; M again unmutes.
        await call.Carol.Keyboard.PressAsync("m");
        (await call.Carol.GetAttributeAsync("#toggle-mic", "aria-pressed")).Should().Be("true", "M mutes the microphone");
        await EventuallyAsync(async () => await call.Host.EvaluateAsync<bool>($"() => window.meet.rosterDetails().find(p => p.participantId === '{call.CarolId}').audioMuted"), "the host sees carol muted");
        await call.Carol.Keyboard.PressAsync("m");
        (await call.Carol.GetAttributeAsync("#toggle-mic", "aria-pressed")).Should().Be("false", "M again unmutes");
        (await SelfViewOverlapsATileAsync(call.Bob)).Should().Be(0, "the self-view never covers another tile (1280x720)");

        await SwitchDevicesWithoutRenegotiationAsync(call);

        // Screenshots of the meeting page with three participants: desktop, and the host at phone size.
        var directory = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        foreach (var (page, name) in new[] { (call.Host, "host-people-panel"), (call.Bob, "participant"), (call.Carol, "participant-unread-chat") })
        {
            var path = Path.Combine(directory, $"meeting-three-participants-{name}.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
            TestContext.AddTestAttachment(path, $"meeting page with three participants ({name}, 1280x720)");
        }
        await call.Bob.SetViewportSizeAsync(390, 844);
        // Bob's chat is open: on a phone it covers the call down to the toolbar, which wraps to several rows.
        await EventuallyAsync(() => call.Bob.EvaluateAsync<bool>(
            "() => document.querySelector('aside.side').getBoundingClientRect().bottom <= document.querySelector('footer.controls').getBoundingClientRect().top + 1"),
            "the open chat panel ends where the toolbar begins");
        var phoneChat = Path.Combine(directory, "meeting-three-participants-phone-chat.png");
        await call.Bob.ScreenshotAsync(new PageScreenshotOptions { Path = phoneChat });
        TestContext.AddTestAttachment(phoneChat, "meeting page with three participants, chat open (phone, 390x844)");
        await call.Bob.ClickAsync("#toggle-chat");
        var phone = Path.Combine(directory, "meeting-three-participants-phone.png");
        await call.Bob.ScreenshotAsync(new PageScreenshotOptions { Path = phone });
        TestContext.AddTestAttachment(phone, "meeting page with three participants (phone, 390x844)");
        (await call.Bob.IsVisibleAsync("#leave")).Should().BeTrue("the toolbar fits a phone");
        (await SelfViewOverlapsATileAsync(call.Bob)).Should().Be(0, "the self-view never covers another tile (phone)");
    }

    // How many of the other participants' tiles the self-view's box intersects (it is a grid cell of its own).
    private static async Task<int> SelfViewOverlapsATileAsync(IPage page)
    {
        var counts = await page.EvaluateAsync<int[]>("""
            () => {
              const self = document.querySelector('.self-view').getBoundingClientRect();
              const tiles = [...document.querySelectorAll('.tile')].map(t => t.getBoundingClientRect()).filter(r => r.width > 0 && r.height > 0);
              const overlaps = tiles.filter(r => self.left < r.right && r.left < self.right && self.top < r.bottom && r.top < self.bottom);
              return [tiles.length, overlaps.length];
            }
            """);
        counts[0].Should().Be(2, "both other participants have a visible tile");
        return counts[1];
    }

    // Issue 13: switching camera and microphone mid-call replaces the tracks on their senders without a
    // new publisher offer, and the others keep receiving the new camera's frames and the new microphone.
    private static async Task SwitchDevicesWithoutRenegotiationAsync(Call call)
    {
        static async Task<long> FramesFromAsync(IPage page, string id) =>
            (await MeetPage.StatsAsync(page)).TryGetValue(id, out var stats) ? stats.FramesDecoded : 0;
        var offerBefore = await call.Bob.EvaluateAsync<string>("() => window.meet.publisherSdp()");
        await call.Bob.ClickAsync("#toggle-devices");
        await call.Bob.WaitForSelectorAsync("#switch-camera option", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        // Chromium's fake capture has one camera: opening it again still yields a new track to replace.
        var other = await call.Bob.EvaluateAsync<string[]>(
            "async () => { const d = await navigator.mediaDevices.enumerateDevices(); const f = k => { const l = d.filter(x => x.kind === k); return (l[1] ?? l[0]).deviceId; }; return [f('videoinput'), f('audioinput')]; }");
        var oldTracks = await call.Bob.EvaluateAsync<string[]>("() => window.meet.publisherTracks()");
        var newVideo = await call.Bob.EvaluateAsync<string>($"() => window.meet.switchDevice('video', '{other[0]}')");
        var newAudio = await call.Bob.EvaluateAsync<string>($"() => window.meet.switchDevice('audio', '{other[1]}')");
        (await call.Bob.EvaluateAsync<string[]>("() => window.meet.publisherTracks()")).Should().BeEquivalentTo([newAudio, newVideo]).And.NotIntersectWith(oldTracks);
        var frames = await FramesFromAsync(call.Carol, call.BobId);
        var audio = await AudioFromAsync(call.Carol, call.BobId);
        await EventuallyAsync(async () => await FramesFromAsync(call.Carol, call.BobId) > frames + 20 && await AudioFromAsync(call.Carol, call.BobId) > audio + 20,
            "carol keeps decoding bob's video and receiving his audio from the new devices");
        (await call.Bob.EvaluateAsync<string>("() => window.meet.publisherSdp()")).Should().Be(offerBefore, "replaceTrack needs no new offer");
        await call.Bob.ClickAsync("#toggle-devices");
        await call.Bob.WaitForSelectorAsync("#switch-camera", new PageWaitForSelectorOptions { State = WaitForSelectorState.Hidden });
    }

    // Issue 17 in Chromium, in this fixture's browser: three .NET bots publish Opus tones (440/660/880 Hz)
    // into a `mix` meeting; the page receives ONE audio stream, and a WebAudio analyser on it finds all
    // three tones well above the spectrum's floor (1,100 Hz, which nobody sends, stays at the floor).
    [Test]
    public async Task A_chromium_listener_in_a_mix_meeting_hears_the_three_tones_in_one_stream()
    {
        var bots = new List<(MeetClient Client, ToneSpeaker Tone, uint Ssrc)>();
        using var stop = new CancellationTokenSource();
        Task sending = Task.CompletedTask;
        try
        {
            MeetClient NewBot() => new(new MeetClientOptions { BaseAddress = Harness.Host.BaseAddress, Transport = SignalingTransport.SignalR });
            var creator = NewBot();
            var meeting = await creator.CreateMeetingAsync("usr_mix_browser", "Mixed in Chromium", audioMode: "mix");
            await creator.DisposeAsync();
            var page = await Harness.NewParticipantAsync(Browser);
            await MeetPage.JoinFromLandingAsync(page, "Listener", $"{Harness.BaseUrl}/j/{meeting.MeetingId}");
            await MeetPage.WaitForStateAsync(page, MediaTimeout, "joined");
            foreach (var (frequency, i) in new[] { 440.0, 660.0, 880.0 }.Select((f, i) => (f, i)))
            {
                var bot = NewBot();
                await bot.JoinAsync(meeting.MeetingId, $"Tone {frequency}", userId: $"usr_tone{i}");
                var ssrc = (uint)(0x3000 + i);
                await bot.PublishAsync([ClientMediaTrack.Opus(bot.ParticipantId!, "mic", ssrc)]);
                bots.Add((bot, new ToneSpeaker(frequency), ssrc));
            }
            var publishers = bots.Select(b => (b.Client.Publisher!, b.Tone, b.Ssrc)).ToArray();
            sending = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
                var frame = 0u;
                try
                {
                    while (await timer.WaitForNextTickAsync(stop.Token))
                    {
                        foreach (var (publisher, tone, ssrc) in publishers)
                        {
                            var packet = tone.NextPacket(out var sequence);
                            publisher.SendRtp(ssrc, 111, sequence, frame * 960, false, packet, 20);
                        }
                        frame++;
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });

            await page.WaitForFunctionAsync("() => document.getElementById('mixed-audio')?.srcObject", null, new PageWaitForFunctionOptions { Timeout = (float)MediaTimeout.TotalMilliseconds });
            (await page.EvaluateAsync<string>("() => window.meet.subscriberSdp()")).Split("m=audio").Length.Should().Be(2, "one audio m-section: the mix");
            // dB of each tone's peak bin (±2 bins) and the median of 300-1,500 Hz, after 1.5 s of listening.
            const string analyse = """
                async () => {
                  const element = document.getElementById('mixed-audio');
                  const context = new AudioContext();
                  await context.resume();
                  const analyser = context.createAnalyser();
                  analyser.fftSize = 16384;
                  analyser.smoothingTimeConstant = 0.5;
                  context.createMediaStreamSource(element.srcObject).connect(analyser);
                  await new Promise(resolve => setTimeout(resolve, 1500));
                  const data = new Float32Array(analyser.frequencyBinCount);
                  analyser.getFloatFrequencyData(data);
                  const bin = f => Math.round(f * analyser.fftSize / context.sampleRate);
                  const db = v => Number.isFinite(v) ? v : -200;
                  const peak = f => Math.max(...[-2, -1, 0, 1, 2].map(d => db(data[bin(f) + d])));
                  const band = Array.from(data.slice(bin(300), bin(1500))).map(db).sort((a, b) => a - b);
                  const result = { tones: [440, 660, 880, 1100].map(peak), floor: band[Math.floor(band.length / 2)] };
                  await context.close();
                  return JSON.stringify(result);
                }
                """;
            // A mixer late because this machine is busy skips frames but keeps every voice (only the
            // mixers' own CPU overloading the pool sheds one, AudioMixerTests): all three tones are due.
            var mixer = Harness.Host.Get<MediaModule>().FindRouter(meeting.MeetingId)!.Mixer!;
            MixSpectrum? spectrum = null;
            var deadline = DateTime.UtcNow + MediaTimeout;
            while (DateTime.UtcNow < deadline)
            {
                spectrum = System.Text.Json.JsonSerializer.Deserialize<MixSpectrum>(await page.EvaluateAsync<string>(analyse), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
                if (spectrum.Tones.Take(3).All(t => t > spectrum.Floor + 20))
                    break;
            }
            TestContext.Out.WriteLine($"mix spectrum in Chromium: 440/660/880/1100 Hz peaks {string.Join(" / ", spectrum!.Tones.Select(t => t.ToString("0")))} dB, floor {spectrum.Floor:0} dB; mixer speakers {mixer.MaxSpeakers}, dropped {Harness.Host.Get<MediaModule>().MixerCounters.SpeakersDropped}");
            spectrum.Tones.Take(3).Should().OnlyContain(t => t > spectrum.Floor + 20, "the three speakers' tones are in the one stream");
            spectrum.Tones[3].Should().BeLessThan(spectrum.Tones.Take(3).Max() - 20, "nobody sends 1,100 Hz");
        }
        finally
        {
            await stop.CancelAsync();
            await sending;
            foreach (var (client, tone, _) in bots)
            {
                tone.Dispose();
                await client.DisposeAsync();
            }
        }
    }

    private sealed record MixSpectrum(double[] Tones, double Floor);

    [Test]
    public async Task A_host_mute_stops_that_audio_at_the_sfu_and_the_muted_one_is_told()
    {
        var call = await StartCallAsync();
        var counters = Harness.Host.Get<MediaModule>().Counters;
        var first = await AudioFromAsync(call.Carol, call.BobId);
        await EventuallyAsync(async () => await AudioFromAsync(call.Carol, call.BobId) > first + 20, "carol receives bob's audio before the mute");
        var heldBefore = counters.Dropped(MediaDropReason.AudioHeldByHost);

        await call.Host.ClickAsync("#toggle-people");
        await call.Host.ClickAsync($"#menu-{call.BobId}");
        await call.Host.ClickAsync($"#roster-panel li[data-participant-id='{call.BobId}'] [data-action='mute']");

        await call.Bob.WaitForSelectorAsync("#host-notice:has-text('host muted you')");
        (await call.Bob.GetAttributeAsync("#toggle-mic", "aria-pressed")).Should().Be("true");
        // Packets already on their way may still arrive: settle, then nothing more reaches carol while
        // bob's browser keeps sending (the SFU counts what it holds back).
        await Task.Delay(1000);
        var settled = await AudioFromAsync(call.Carol, call.BobId);
        await Task.Delay(2000);
        (await AudioFromAsync(call.Carol, call.BobId)).Should().Be(settled, "the SFU forwards none of bob's audio after the host muted him");
        counters.Dropped(MediaDropReason.AudioHeldByHost).Should().BeGreaterThan(heldBefore, "bob's packets reached the SFU and were held back there");
        await EventuallyAsync(async () => await call.Carol.EvaluateAsync<bool>($"() => window.meet.rosterDetails().find(p => p.participantId === '{call.BobId}').audioMuted"), "carol's roster shows bob muted");

        // Only bob can unmute himself; then his audio flows again.
        await call.Bob.ClickAsync("#toggle-mic");
        await EventuallyAsync(async () => await AudioFromAsync(call.Carol, call.BobId) > settled + 10, "bob's audio flows again after he unmuted himself");
    }

    [Test]
    public async Task A_removed_participant_is_told_and_cannot_rejoin_and_ending_shows_every_page_it_ended()
    {
        var call = await StartCallAsync();

        await call.Host.ClickAsync("#toggle-people");
        await call.Host.ClickAsync($"#menu-{call.CarolId}");
        // A roster change while the menu is open (bob raises his hand) re-renders the list: the host's open
        // menu stays open rather than vanishing under the pointer.
        await call.Bob.ClickAsync("#raise-hand");
        await call.Host.WaitForSelectorAsync($"#roster-panel li[data-participant-id='{call.BobId}']:not([data-hand-order='0'])");
        (await call.Host.IsVisibleAsync($"#roster-panel li[data-participant-id='{call.CarolId}'] [data-action='remove']"))
            .Should().BeTrue("the host's open menu survives a roster re-render");
        await call.Host.ClickAsync($"#roster-panel li[data-participant-id='{call.CarolId}'] [data-action='remove']");

        await call.Carol.WaitForSelectorAsync("#meeting-error:has-text('removed you')");
        await EventuallyAsync(async () => await call.Bob.EvaluateAsync<int>("() => window.meet.roster().participants.length") == 1, "bob sees carol gone");
        await call.Carol.ReloadAsync();
        await call.Carol.WaitForSelectorAsync("#meeting-error:has-text('cannot rejoin')");

        await call.Host.ClickAsync("#end-meeting");
        foreach (var page in new[] { call.Host, call.Bob })
            await page.WaitForSelectorAsync("#meeting-error:has-text('has ended')");
    }
}
