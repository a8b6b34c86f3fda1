using Meet.Modules.Media.Internal;
using Microsoft.Extensions.Time.Testing;

namespace Meet.Tests.Media.Internal;

// The subscriber offer/answer state machine on its own (docs/sfu.md "Subscriber negotiation").
[TestFixture]
public sealed class SubscriberNegotiationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new();

    private SubscriberNegotiation NewNegotiation() => new(_time, Timeout);

    private static SubscriberOfferSnapshot Snapshot(ulong version) => new(version, []);

    [Test]
    public void Nothing_is_offered_until_something_changes()
    {
        var negotiation = NewNegotiation();
        negotiation.ShouldOffer.Should().BeFalse();
        negotiation.MarkChanged();
        negotiation.ShouldOffer.Should().BeTrue();
        negotiation.NextVersion.Should().Be(1);
    }

    [Test]
    public void Changes_while_an_offer_is_outstanding_wait_for_its_answer()
    {
        var negotiation = NewNegotiation();
        negotiation.MarkChanged();
        negotiation.OfferSent(Snapshot(1));
        negotiation.MarkChanged();
        negotiation.ShouldOffer.Should().BeFalse("one offer outstanding at a time");

        negotiation.Judge(1).Should().Be(SubscriberAnswerVerdict.Current);
        negotiation.AnswerAccepted();
        negotiation.ShouldOffer.Should().BeTrue("the queued change goes into the next offer");
        negotiation.NextVersion.Should().Be(2);
    }

    [Test]
    public void An_answer_is_judged_by_the_version_it_names()
    {
        var negotiation = NewNegotiation();
        negotiation.MarkChanged();
        negotiation.OfferSent(Snapshot(1));
        negotiation.Judge(7).Should().Be(SubscriberAnswerVerdict.Unknown);
        negotiation.Judge(0).Should().Be(SubscriberAnswerVerdict.Current, "a client without versions answers the outstanding offer");
        negotiation.AnswerAccepted();
        negotiation.Judge(1).Should().Be(SubscriberAnswerVerdict.Stale, "v1 was answered already");
        negotiation.Judge(0).Should().Be(SubscriberAnswerVerdict.NoOfferOutstanding);
    }

    [Test]
    public void A_refused_answer_leads_to_a_fresh_offer_at_once()
    {
        var negotiation = NewNegotiation();
        negotiation.MarkChanged();
        negotiation.OfferSent(Snapshot(1));
        negotiation.AnswerRefused();
        negotiation.State.Should().Be(SubscriberNegotiationState.Stable);
        negotiation.ShouldOffer.Should().BeTrue();
        negotiation.NextVersion.Should().Be(2);
    }

    [Test]
    public void Repeated_refusals_back_off_instead_of_spinning()
    {
        var negotiation = NewNegotiation();
        negotiation.MarkChanged();
        for (ulong v = 1; v <= 4; v++)
        {
            _time.Advance(TimeSpan.FromSeconds(31));
            negotiation.ShouldOffer.Should().BeTrue($"offer v{v} is due");
            negotiation.OfferSent(Snapshot(v));
            negotiation.AnswerRefused();
        }
        negotiation.ConsecutiveFailures.Should().Be(4);
        negotiation.ShouldOffer.Should().BeFalse("the fourth refusal waits 1 s");
        _time.Advance(TimeSpan.FromSeconds(1));
        negotiation.ShouldOffer.Should().BeTrue();
    }

    [Test]
    public void An_unanswered_offer_times_out_into_a_new_version_and_its_late_answer_is_stale()
    {
        var negotiation = NewNegotiation();
        negotiation.MarkChanged();
        negotiation.OfferSent(Snapshot(1));
        _time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        negotiation.CheckTimeout().Should().BeFalse();
        _time.Advance(TimeSpan.FromMilliseconds(1));
        negotiation.CheckTimeout().Should().BeTrue();
        negotiation.ShouldOffer.Should().BeTrue();
        negotiation.OfferSent(Snapshot(2));

        negotiation.Judge(1).Should().Be(SubscriberAnswerVerdict.Stale);
        negotiation.StaleAnswers.Should().Be(1);
        negotiation.Judge(2).Should().Be(SubscriberAnswerVerdict.Current);
    }

    [Test]
    public void After_close_nothing_is_offered_and_answers_are_refused()
    {
        var negotiation = NewNegotiation();
        negotiation.MarkChanged();
        negotiation.OfferSent(Snapshot(1));
        negotiation.Close();
        negotiation.Close();
        negotiation.MarkChanged();
        negotiation.ShouldOffer.Should().BeFalse();
        negotiation.Judge(1).Should().Be(SubscriberAnswerVerdict.Closed);
        negotiation.CheckTimeout().Should().BeFalse();
    }

    [Test]
    public void Offers_must_move_forward_and_answers_need_an_offer()
    {
        var negotiation = NewNegotiation();
        negotiation.Invoking(n => n.AnswerAccepted()).Should().Throw<InvalidOperationException>();
        negotiation.MarkChanged();
        negotiation.OfferSent(Snapshot(1));
        negotiation.Invoking(n => n.OfferSent(Snapshot(2))).Should().Throw<InvalidOperationException>("one outstanding offer");
        negotiation.AnswerAccepted();
        negotiation.MarkChanged();
        negotiation.Invoking(n => n.OfferSent(Snapshot(1))).Should().Throw<InvalidOperationException>("versions only grow");
    }
}
