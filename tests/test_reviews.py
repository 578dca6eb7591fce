"""Reviews: who may review, when, how often; summaries with exact means; the ranking score.

Facts: cpf-rules.md section 8 (five criteria, scores 1 to 5, after the training, platform
average 4.6 at launch).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from formation.errors import DuplicateEntry, InvalidValue, NotAuthorized, NotFound, RuleViolation
from formation.ids import BookingId, HolderId, OfferId, OrganismId, ReviewId
from formation.reviews import (
    DEFAULT_PRIOR,
    REVIEWABLE_STATUSES,
    Criterion,
    FolderView,
    RatingPrior,
    RatingSummary,
    Review,
    ReviewBook,
    Scores,
    review_violations,
)
from formation.testing._reviews import folder_views, rating_summaries, review_scores, reviews

AT = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
SIRET = OrganismId("78959578200051")
HOLDER = HolderId("h1")


def folder(status: str = "serviceDoneValidated", booking: str = "F1", holder: str = "h1",
           offer: str = "O1") -> FolderView:
    return FolderView(BookingId(booking), HolderId(holder), OfferId(offer), SIRET, status)


def write(book: ReviewBook, f: FolderView, scores: Scores | None = None, *,
          author: str = "h1", review_id: str = "R1", at: datetime = AT) -> Review:
    return book.write(f, author=HolderId(author), review_id=ReviewId(review_id),
                      scores=scores or Scores.uniform(4), at=at)


# -- Scores and Review -------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0, 6, -1, True, 4.0, "5", None])
def test_a_score_is_a_whole_number_from_1_to_5(bad: object) -> None:
    with pytest.raises(InvalidValue, match="from 1 to 5"):
        Scores(5, 5, bad, 5, 5)  # type: ignore[arg-type]


def test_the_five_criteria_are_those_of_the_platform() -> None:
    # cpf-rules.md section 8: accueil, contenu, équipe de formation, moyens, accompagnement
    assert [c.label_fr for c in Criterion] == [
        "Accueil", "Contenu", "Équipe de formation", "Moyens matériels et pédagogiques",
        "Accompagnement"]
    review = Review(ReviewId("R"), BookingId("F"), HOLDER, OfferId("O"), SIRET,
                    Scores(1, 2, 3, 4, 5), AT)
    assert (review.welcome, review.content, review.training_team, review.resources,
            review.support) == (1, 2, 3, 4, 5)
    assert review.overall == 3


def test_a_review_needs_an_aware_instant() -> None:
    with pytest.raises(InvalidValue, match="timezone-aware"):
        Review(ReviewId("R"), BookingId("F"), HOLDER, OfferId("O"), SIRET, Scores.uniform(3),
               datetime(2026, 3, 2, 9, 0))  # noqa: DTZ001


def test_an_empty_comment_is_refused() -> None:
    with pytest.raises(InvalidValue, match="comment"):
        Review(ReviewId("R"), BookingId("F"), HOLDER, OfferId("O"), SIRET, Scores.uniform(3),
               AT, comment="  ")


@given(reviews(corrections=3))
def test_a_correction_keeps_every_earlier_version_in_order(review: Review) -> None:
    later = review.written_at + timedelta(days=1)
    corrected = review.corrected(Scores.uniform(1), at=later, comment="Revu")
    assert corrected.history[:-1] == review.history
    last = corrected.history[-1]
    assert (last.scores, last.comment, last.written_at, last.replaced_at) == (
        review.scores, review.comment, review.written_at, later)
    assert corrected.scores == Scores.uniform(1) and corrected.written_at == later
    assert all(v.written_at <= v.replaced_at for v in corrected.history)


def test_a_correction_cannot_predate_the_version_it_replaces() -> None:
    review = Review(ReviewId("R"), BookingId("F"), HOLDER, OfferId("O"), SIRET,
                    Scores.uniform(3), AT)
    with pytest.raises(InvalidValue, match="cannot precede"):
        review.corrected(Scores.uniform(4), at=AT - timedelta(seconds=1))


# -- the rules ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", sorted(REVIEWABLE_STATUSES))
def test_a_training_that_is_over_may_be_reviewed_by_its_holder(status: str) -> None:
    # cpf-rules.md section 8: "after the training"; section 5: exit or service done declared
    assert review_violations(folder(status), author=HOLDER) == ()


@pytest.mark.parametrize("status", [
    "notProcessed", "validated", "waitingAcceptation", "accepted", "inTraining",
    "canceledByAttendee", "canceledByAttendeeNotRealized", "canceledByOrganism",
    "canceledByFinancer", "refusedByAttendee", "refusedByOrganism", "refusedByFinancer",
    "rejectedWithoutTitulaireSuite", "rejectedWithoutOfSuite",
])
def test_a_training_not_over_cannot_be_reviewed(status: str) -> None:
    codes = [v.code for v in review_violations(folder(status), author=HOLDER)]
    assert codes == ["review.training_not_over"]
    with pytest.raises(RuleViolation, match="only once it is over"):
        write(ReviewBook(), folder(status))


def test_only_the_holder_of_the_folder_may_review_it() -> None:
    book = ReviewBook()
    with pytest.raises(NotAuthorized, match="only the holder of folder F1"):
        write(book, folder(), author="h2")
    assert len(book) == 0


def test_a_stranger_is_refused_even_when_the_training_is_not_over() -> None:
    with pytest.raises(NotAuthorized):
        write(ReviewBook(), folder("inTraining"), author="h2")


def test_a_folder_is_reviewed_once_and_then_corrected() -> None:
    book = ReviewBook()
    write(book, folder(), Scores.uniform(2))
    with pytest.raises(RuleViolation) as refused:
        write(book, folder(), Scores.uniform(5), review_id="R2")
    assert refused.value.codes == ("review.already_reviewed",)
    assert book.summary_for_offer(OfferId("O1")).count == 1
    fixed = book.correct(folder(), author=HOLDER, scores=Scores.uniform(5),
                         at=AT + timedelta(hours=1), comment="Finalement excellent")
    assert fixed.review_id == ReviewId("R1") and fixed.history[0].scores == Scores.uniform(2)
    assert book.for_folder(BookingId("F1")) == fixed and book.get(ReviewId("R1")) == fixed
    summary = book.summary_for_offer(OfferId("O1"))
    assert summary.count == 1 and summary.mean() == 5


def test_a_correction_needs_a_review_and_the_holder() -> None:
    book = ReviewBook()
    with pytest.raises(RuleViolation) as refused:
        book.correct(folder(), author=HOLDER, scores=Scores.uniform(5), at=AT)
    assert refused.value.codes == ("review.not_reviewed",)
    write(book, folder())
    with pytest.raises(NotAuthorized):
        book.correct(folder(), author=HolderId("h2"), scores=Scores.uniform(1), at=AT)
    assert book.summary_for_offer(OfferId("O1")).mean() == 4


def test_a_review_id_is_used_once() -> None:
    book = ReviewBook()
    write(book, folder())
    with pytest.raises(DuplicateEntry):
        write(book, folder(booking="F2", holder="h2"), author="h2", review_id="R1")
    assert len(book) == 1
    with pytest.raises(NotFound):
        book.get(ReviewId("R9"))


def test_a_status_enum_is_read_by_its_value() -> None:
    import enum

    class Status(enum.Enum):
        DONE = "serviceDoneValidated"
        RUNNING = "inTraining"

    assert review_violations(folder(Status.DONE), author=HOLDER) == ()  # type: ignore[arg-type]
    assert review_violations(folder(Status.RUNNING), author=HOLDER)  # type: ignore[arg-type]


@given(folder_views(over=False), st.booleans())
def test_no_review_is_recorded_before_the_training_is_over(f: FolderView, own: bool) -> None:
    book = ReviewBook()
    with pytest.raises((RuleViolation, NotAuthorized)):
        write(book, f, author=f.holder_id if own else "someone else")
    assert len(book) == 0 and book.summary_for_offer(f.offer_id).count == 0


# -- summaries ----------------------------------------------------------------------------


def test_summary_arithmetic_is_exact() -> None:
    # 230 reviews: 140 at 5, 90 at 4 → mean 1060/230 = 106/23 = 4.6086… shown 4.6
    summary = RatingSummary.of([Scores.uniform(5)] * 140 + [Scores.uniform(4)] * 90)
    assert summary.count == 230
    assert summary.mean() == Fraction(106, 23)
    assert summary.shown_mean() == Decimal("4.6")
    assert summary.distribution() == {1: 0, 2: 0, 3: 0, 4: 450, 5: 700}
    assert summary.distribution(Criterion.SUPPORT) == {1: 0, 2: 0, 3: 0, 4: 90, 5: 140}


def test_a_mean_shown_is_rounded_half_up_once_from_the_exact_value() -> None:
    # 0.1 + 0.2 style drift: three reviews of overall 4.15 sum to 12.45 exactly; mean 4.15 → 4.2
    scores = [Scores(4, 4, 4, 5, 4)] * 3 + [Scores(4, 4, 4, 4, 4)] * 1  # 4.2, 4.2, 4.2, 4.0
    summary = RatingSummary.of(scores)
    assert summary.mean() == Fraction(83, 20)  # 4.15
    assert summary.shown_mean() == Decimal("4.2")
    assert summary.shown_mean(places=2) == Decimal("4.15")
    assert RatingSummary.empty().shown_mean() is None and RatingSummary.empty().mean() is None


@given(st.lists(review_scores(), max_size=60))
def test_the_overall_mean_is_the_mean_of_the_reviews_overall_ratings(
    scores: list[Scores],
) -> None:
    summary = RatingSummary.of(scores)
    assert summary.count == len(scores)
    if scores:
        assert summary.mean() == sum(s.overall for s in scores) / len(scores)
        per = summary.means()
        assert summary.mean() == sum(m for m in per.values() if m is not None) / 5
        for criterion in Criterion:
            assert summary.mean(criterion) == Fraction(
                sum(s[criterion] for s in scores), len(scores))
    assert sum(summary.distribution().values()) == 5 * len(scores)


@given(st.lists(review_scores(), max_size=40), st.permutations(range(40)))
def test_a_summary_does_not_depend_on_the_order_reviews_arrive(
    scores: list[Scores], order: list[int],
) -> None:
    shuffled = [scores[i] for i in order if i < len(scores)]
    assert RatingSummary.of(scores) == RatingSummary.of(shuffled)


@given(st.lists(review_scores(), max_size=30), review_scores(), review_scores())
def test_replacing_a_review_equals_rebuilding_from_scratch(
    others: list[Scores], old: Scores, new: Scores,
) -> None:
    incremental = RatingSummary.of([*others, old]).replace(old, new)
    assert incremental == RatingSummary.of([*others, new])
    assert RatingSummary.of([*others, old]).remove(old) == RatingSummary.of(others)


@given(rating_summaries(max_reviews=40), rating_summaries(max_reviews=40))
def test_summaries_add_up(a: RatingSummary, b: RatingSummary) -> None:
    both = a + b
    assert both.count == a.count + b.count
    assert both.total() == a.total() + b.total()


def test_removing_a_review_never_added_is_refused() -> None:
    with pytest.raises(InvalidValue, match="never added"):
        RatingSummary.of([Scores.uniform(5)]).remove(Scores.uniform(1))


def test_inconsistent_counts_are_refused() -> None:
    with pytest.raises(InvalidValue, match="do not sum"):
        RatingSummary(1, ((1, 0, 0, 0, 0),) * 4 + ((0, 0, 0, 0, 0),))


# -- ranking score ------------------------------------------------------------------------


def test_two_five_star_reviews_do_not_outrank_two_hundred_averaging_4_7() -> None:
    # the example, with the default prior (mean 4.6, worth 10 reviews)
    two = RatingSummary.of([Scores.uniform(5)] * 2)
    many = RatingSummary.of([Scores.uniform(5)] * 140 + [Scores.uniform(4)] * 60)
    assert many.mean() == Fraction(47, 10) and two.mean() == 5
    assert two.ranking_score < many.ranking_score


@given(st.integers(1, 3), st.integers(200, 2000), st.data())
def test_up_to_three_perfect_reviews_rank_below_many_reviews_averaging_at_least_4_7(
    few: int, many: int, data: st.DataObject,
) -> None:
    # any mix of `many` reviews whose overall mean is at least 4.7
    fours = data.draw(st.integers(0, many * 3 // 10), label="reviews at 4")
    crowd = RatingSummary.of([Scores.uniform(5)] * (many - fours) + [Scores.uniform(4)] * fours)
    assert crowd.mean() is not None and crowd.mean() >= Fraction(47, 10)  # type: ignore[operator]
    perfect = RatingSummary.of([Scores.uniform(5)] * few)
    assert perfect.ranking_score < crowd.ranking_score


@given(rating_summaries(max_reviews=60), review_scores())
def test_the_ranking_score_lies_between_the_prior_and_the_mean(
    summary: RatingSummary, scores: Scores,
) -> None:
    score = summary.ranking_score
    mean = summary.mean()
    if mean is None:
        assert score == DEFAULT_PRIOR.mean
    else:
        low, high = sorted((mean, DEFAULT_PRIOR.mean))
        assert low <= score <= high
    # a review above the current ranking score raises it, one below lowers it
    after = summary.add(scores).ranking_score
    if scores.overall > score:
        assert after > score
    elif scores.overall < score:
        assert after < score
    else:
        assert after == score


@given(st.integers(0, 400))
def test_with_many_reviews_the_ranking_score_approaches_the_mean(n: int) -> None:
    summary = RatingSummary.of([Scores.uniform(3)] * n)
    gap = abs(summary.ranking_score - 3)
    assert gap == Fraction(DEFAULT_PRIOR.weight * 8, 5 * (DEFAULT_PRIOR.weight + n))


def test_the_prior_is_a_parameter() -> None:
    strict = RatingPrior(Fraction(3), 1)
    two = RatingSummary.of([Scores.uniform(5)] * 2, prior=strict)
    assert two.ranking_score == Fraction(13, 3)
    with pytest.raises(InvalidValue):
        RatingPrior(Fraction(6), 10)
    with pytest.raises(InvalidValue):
        RatingPrior(Fraction(4), 0)
    book = ReviewBook(prior=strict)
    write(book, folder())
    assert book.summary_for_offer(OfferId("O1")).prior == strict


# -- the book keeps summaries right as reviews arrive -------------------------------------


def test_the_listener_sees_each_new_summary() -> None:
    seen: list[tuple[OfferId, OrganismId, int]] = []
    book = ReviewBook(listener=lambda o, org, s: seen.append((o, org, s.count)))
    write(book, folder())
    write(book, folder(booking="F2", holder="h2"), author="h2", review_id="R2")
    book.correct(folder(), author=HOLDER, scores=Scores.uniform(1), at=AT)
    assert seen == [(OfferId("O1"), SIRET, 1), (OfferId("O1"), SIRET, 2),
                    (OfferId("O1"), SIRET, 2)]
    assert book.summary_for_organism(SIRET).mean() == Fraction(5, 2)


class ReviewBookMachine(RuleBasedStateMachine):
    """Random writes and corrections: the book's summaries always equal a rebuild."""

    def __init__(self) -> None:
        super().__init__()
        from formation.search import CatalogIndex

        self.index = CatalogIndex()
        self.book = ReviewBook.feeding(self.index)
        self.folders: dict[str, FolderView] = {}
        self.n = 0

    @rule(scores=review_scores(), offer=st.sampled_from(["O1", "O2", "O3"]),
          status=st.sampled_from(["terminated", "inTraining", "serviceDoneDeclared"]))
    def write_one(self, scores: Scores, offer: str, status: str) -> None:
        self.n += 1
        f = folder(status, booking=f"F{self.n}", holder=f"h{self.n}", offer=offer)
        before = self.book.summary_for_offer(OfferId(offer))
        try:
            write(self.book, f, scores, author=f"h{self.n}", review_id=f"R{self.n}")
        except RuleViolation:
            assert status == "inTraining"
            assert self.book.summary_for_offer(OfferId(offer)) == before
            return
        self.folders[f.booking_id] = f

    @precondition(lambda self: bool(self.folders))
    @rule(data=st.data(), scores=review_scores())
    def correct_one(self, data: st.DataObject, scores: Scores) -> None:
        key = data.draw(st.sampled_from(sorted(self.folders)))
        f = self.folders[key]
        current = self.book.for_folder(f.booking_id)
        assert current is not None
        self.book.correct(f, author=f.holder_id, scores=scores, at=current.written_at)

    @invariant()
    def summaries_match_a_rebuild(self) -> None:
        for offer in ("O1", "O2", "O3"):
            expected = RatingSummary.of(
                r.scores for r in self.book if r.offer_id == OfferId(offer))
            assert self.book.summary_for_offer(OfferId(offer)) == expected
        assert self.book.summary_for_organism(SIRET) == RatingSummary.of(
            r.scores for r in self.book)

    @invariant()
    def the_search_index_holds_each_offers_rating(self) -> None:
        for offer in ("O1", "O2", "O3"):
            summary = self.book.summary_for_offer(OfferId(offer))
            mean = summary.mean()
            assert self.index.rating(OfferId(offer)) == (
                (None, 0) if mean is None else (float(mean), summary.count))


ReviewBookMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=25)
TestReviewBook = ReviewBookMachine.TestCase


def test_a_review_record_is_frozen() -> None:
    review = Review(ReviewId("R"), BookingId("F"), HOLDER, OfferId("O"), SIRET,
                    Scores.uniform(3), AT)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        review.comment = "x"  # type: ignore[misc]


# -- with the real registration folder --------------------------------------------------


def test_a_booking_is_a_reviewable_folder() -> None:
    from datetime import date
    from zoneinfo import ZoneInfo

    from formation.bookings import (
        Actor,
        Proposal,
        accept_proposal,
        declare_entry,
        declare_exit,
        propose,
        request,
    )
    from formation.ids import AccountId, SessionId
    from formation.money import Euros

    paris = ZoneInfo("Europe/Paris")
    organism = Actor.organism(SIRET)
    booking = request(
        BookingId("F9"), holder_id=HOLDER, account_id=AccountId("A1"), organism_id=SIRET,
        offer_id=OfferId("O9"), session_id=SessionId("S9"), price=Euros.whole(900),
        requested_at=datetime(2026, 3, 2, 9, 0, tzinfo=paris))
    booking = propose(booking, organism, datetime(2026, 3, 3, 10, 0, tzinfo=paris),
                      Proposal(start=date(2026, 4, 13), end=date(2026, 4, 24),
                               price=Euros.whole(900)))
    booking = accept_proposal(booking, Actor.holder(HOLDER),
                              datetime(2026, 3, 4, 10, 0, tzinfo=paris))
    booking = declare_entry(booking, organism, datetime(2026, 4, 13, 18, 0, tzinfo=paris),
                            date(2026, 4, 13))
    book = ReviewBook()
    with pytest.raises(RuleViolation, match="'inTraining'"):
        book.write(booking, author=HOLDER, review_id=ReviewId("R9"), scores=Scores.uniform(5),
                   at=AT)
    over = declare_exit(booking, organism, datetime(2026, 4, 24, 18, 0, tzinfo=paris),
                        date(2026, 4, 24))
    assert over.status.value == "terminated"
    review = book.write(over, author=HOLDER, review_id=ReviewId("R9"), scores=Scores.uniform(5),
                        at=datetime(2026, 4, 25, 9, 0, tzinfo=paris))
    assert (review.offer_id, review.organism) == (OfferId("O9"), SIRET)
    with pytest.raises(NotAuthorized):
        book.correct(over, author=HolderId("h2"), scores=Scores.uniform(1), at=AT)


def test_the_reviewable_states_are_booking_states() -> None:
    from formation.bookings import BookingStatus

    values = {s.value for s in BookingStatus}
    assert values >= REVIEWABLE_STATUSES
    assert {s.value for s in BookingStatus if s.value in REVIEWABLE_STATUSES} == {
        "terminated", "serviceDoneDeclared", "serviceDoneValidated"}
