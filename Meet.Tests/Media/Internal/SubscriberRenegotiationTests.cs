using Meet.Modules.Media.Internal;
using Meet.Modules.Media.Protocols.Sdp;

namespace Meet.Tests.Media.Internal;

// Subscriber renegotiation under churn (issue 9): answers are checked against the offer they answer,
// never against slots added since; refused or lost answers lead to fresh offers, never to silence.
[TestFixture]
public sealed class SubscriberRenegotiationTests
{
    private static readonly TimeSpan AnswerTimeout = TimeSpan.FromSeconds(5);

    // Defect 1 of issue 9: a publisher joining while a subscriber's offer is outstanding added a slot,
    // the answer to the older offer was refused (400) for not matching the live slot count, and no
    // offer was ever made again.
    [Test]
    public async Task An_answer_to_an_offer_that_slots_were_added_after_is_accepted_and_the_new_slots_follow()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout);
        sfu.Join("a");
        sfu.Publish("a");
        var viewer = sfu.Join("viewer");
        viewer.PendingOffers.Should().Be(1, "offer v1 carries a's two tracks");

        sfu.Join("b");
        sfu.Publish("b");
        viewer.PendingOffers.Should().Be(1, "b's tracks wait for v1's answer");

        var result = viewer.AnswerNext();
        result.Succeeded.Should().BeTrue(result.ErrorMessage);
        viewer.PendingOffers.Should().Be(1, "v2 goes out as soon as v1 is answered");
        viewer.AnswerNext().Succeeded.Should().BeTrue();
        viewer.ReceivedTracks().Should().Equal("a/cam", "a/mic", "b/cam", "b/mic");
    }

    [Test]
    public async Task A_refused_answer_is_followed_by_a_fresh_offer()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout);
        sfu.Join("a");
        sfu.Publish("a");
        var viewer = sfu.Join("viewer");
        viewer.TryTakeOffer(out var offer).Should().BeTrue();

        // An answer with one m-section fewer than the offer (RFC 3264 §6 forbids it).
        SessionDescription.TryParse(viewer.Answer(offer.Sdp), out var answer, out _).Should().BeTrue();
        answer!.MediaDescriptions.RemoveAt(answer.MediaDescriptions.Count - 1);
        var refused = viewer.Media.ApplySubscriberAnswer(answer.ToString(), offer.Version);
        refused.ErrorCode.Should().Be(400);
        refused.ErrorMessage.Should().Contain($"offer v{offer.Version}");

        viewer.PendingOffers.Should().Be(1, "a refusal is never the end of negotiation");
        viewer.AnswerNext().Succeeded.Should().BeTrue();
        viewer.ReceivedTracks().Should().Equal("a/cam", "a/mic");
        sfu.Module.NegotiationCounters.AnswersRefused.Should().Be(1);
    }

    [Test]
    public async Task A_lost_offer_is_made_again_after_the_timeout_and_the_late_answer_to_it_changes_nothing()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout);
        sfu.Join("a");
        sfu.Publish("a");
        var viewer = sfu.Join("viewer");
        viewer.TryTakeOffer(out var lost).Should().BeTrue();

        sfu.Time.Advance(AnswerTimeout);
        sfu.Tick();
        viewer.PendingOffers.Should().Be(1);
        viewer.TryTakeOffer(out var again).Should().BeTrue();
        again.Version.Should().BeGreaterThan(lost.Version);

        viewer.Media.ApplySubscriberAnswer(viewer.Answer(lost.Sdp), lost.Version).Succeeded.Should().BeTrue("a stale answer is ignored, not an error");
        viewer.Server.Negotiation.State.Should().Be(SubscriberNegotiationState.HaveLocalOffer);
        viewer.Media.ApplySubscriberAnswer(viewer.Answer(again.Sdp), again.Version).Succeeded.Should().BeTrue();
        viewer.Server.Negotiation.State.Should().Be(SubscriberNegotiationState.Stable);
        sfu.Module.NegotiationCounters.Timeouts.Should().Be(1);
        sfu.Module.NegotiationCounters.StaleAnswers.Should().Be(1);
    }

    [Test]
    public async Task Answers_for_versions_never_offered_and_answers_without_an_offer_are_refused()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout);
        sfu.Join("a");
        sfu.Publish("a");
        var viewer = sfu.Join("viewer");
        viewer.TryTakeOffer(out var offer).Should().BeTrue();
        viewer.Media.ApplySubscriberAnswer(viewer.Answer(offer.Sdp), 99).ErrorCode.Should().Be(409);
        viewer.Media.ApplySubscriberAnswer(viewer.Answer(offer.Sdp), offer.Version).Succeeded.Should().BeTrue();
        viewer.Media.ApplySubscriberAnswer(viewer.Answer(offer.Sdp), 0).ErrorCode.Should().Be(409);
    }

    [Test]
    public async Task A_stale_publisher_offer_is_refused()
    {
        await using var sfu = new InMemorySfu(AnswerTimeout);
        var a = sfu.Join("a");
        var first = sfu.PublisherOffer("a", 1, videoSending: true);
        a.Media.AnswerPublisherOffer(first).Succeeded.Should().BeTrue();
        a.Media.AnswerPublisherOffer(sfu.PublisherOffer("a", 2, videoSending: false)).Succeeded.Should().BeTrue();

        // v1 arriving again (overtaken on the way) must not bring the camera back.
        var replay = a.Media.AnswerPublisherOffer(first);
        replay.ErrorCode.Should().Be(409);
        a.Server.Producers.Should().ContainSingle("the camera stays unpublished");
        a.Media.AnswerPublisherOffer(sfu.PublisherOffer("a", 2, videoSending: false)).Succeeded.Should().BeTrue("the same version again is allowed (RFC 3264 §8)");
    }

    // Property: any interleaving of joins, publishes, unpublishes, leaves, answers (right, wrong, stale,
    // versionless), lost offers and timeouts ends — once clients answer what they get — with every
    // remaining subscriber receiving exactly every remaining publisher's tracks.
    [Test]
    public async Task Random_interleavings_always_converge_on_every_track([Range(1, 200)] int seed)
    {
        var random = new Random(seed);
        await using var sfu = new InMemorySfu(AnswerTimeout);
        var sending = new Dictionary<string, bool>(StringComparer.Ordinal);
        var next = 0;
        var log = new List<string>();
        for (var step = 0; step < 60; step++)
        {
            var ids = sfu.Participants.Keys.ToArray();
            var roll = random.Next(100);
            if (roll < 14 || ids.Length == 0)
            {
                var id = "p" + next++;
                sfu.Join(id);
                log.Add("join " + id);
                if (random.Next(3) > 0)
                {
                    sfu.Publish(id);
                    sending[id] = true;
                    log.Add("publish " + id);
                }
                continue;
            }
            var who = ids[random.Next(ids.Length)];
            var participant = sfu.Participants[who];
            switch (roll)
            {
                case < 22:
                    await sfu.LeaveAsync(who);
                    sending.Remove(who);
                    log.Add("leave " + who);
                    break;
                case < 30:
                    var video = !sending.GetValueOrDefault(who);
                    sfu.Publish(who, videoSending: video);
                    sending[who] = video;
                    log.Add($"publish {who} video={video}");
                    break;
                case < 65 when participant.HasOffer:
                    // A client that does not echo versions is only right while it answers the newest
                    // offer (docs/sfu.md): that is the case it is modelled in.
                    var echo = random.Next(4) > 0 || participant.NextOfferVersion != participant.Server.Negotiation.Outstanding?.Version;
                    participant.AnswerNext(echo);
                    log.Add($"answer {who} echo={echo}");
                    break;
                case < 72 when participant.HasOffer:
                    participant.TryTakeOffer(out var refusedOffer);
                    SessionDescription.TryParse(participant.Answer(refusedOffer.Sdp), out var bad, out _);
                    bad!.MediaDescriptions.RemoveAt(0);
                    participant.Media.ApplySubscriberAnswer(bad.ToString(), refusedOffer.Version);
                    log.Add($"bad answer {who} v{refusedOffer.Version}");
                    break;
                case < 80 when participant.HasOffer:
                    participant.TryTakeOffer(out var dropped);
                    log.Add($"lose offer {who} v{dropped.Version}");
                    break;
                default:
                    var by = TimeSpan.FromMilliseconds(random.Next(0, 6000));
                    sfu.Time.Advance(by);
                    sfu.Tick();
                    log.Add($"advance {by.TotalMilliseconds} ms");
                    break;
            }
        }

        // Quiesce: clients answer every offer they get; time moves on so lost offers are made again.
        for (var round = 0; round < 40; round++)
        {
            foreach (var participant in sfu.Participants.Values)
            {
                while (participant.HasOffer)
                    participant.AnswerNext();
            }
            sfu.Time.Advance(TimeSpan.FromSeconds(31));
            sfu.Tick();
        }

        var because = $"seed {seed}: {string.Join("; ", log)}";
        foreach (var participant in sfu.Participants.Values)
        {
            var expected = sfu.Participants.Keys.Where(id => id != participant.Id && sending.ContainsKey(id))
                .SelectMany(id => sending[id] ? new[] { id + "/cam", id + "/mic" } : [id + "/mic"])
                .OrderBy(t => t, StringComparer.Ordinal)
                .ToArray();
            participant.ReceivedTracks().Should().Equal(expected, because);
            participant.Server.Negotiation.State.Should().Be(SubscriberNegotiationState.Stable, because);
            participant.Server.Negotiation.HasPendingChanges.Should().BeFalse(because);
        }
    }
}
