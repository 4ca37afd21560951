import pytest
from django.core.exceptions import ValidationError

from hiwar.discussions import services
from hiwar.discussions.models import GuidingQuestion, Topic
from tests.factories import PhaseFactory

WATER = {"ar": "المياه", "en": "Water"}


def test_a_phase_gets_its_numbered_topics_and_questions(db):
    phase = PhaseFactory()
    services.phase_topics_create(
        phase=phase,
        topics=[
            {
                "number": 2,
                "title": WATER,
                "questions": [{"ar": "من؟", "en": "Who?"}, {"ar": "متى؟", "en": "When?"}],
            },
            {"number": 5, "title": {"ar": "الطاقة", "en": "Energy"}},
        ],
    )
    topics = list(Topic.objects.filter(phase=phase).order_by("number"))
    assert [(t.space_id, t.number) for t in topics] == [(phase.space_id, 2), (phase.space_id, 5)]
    assert [(q.number, q.text["en"]) for q in topics[0].questions.all()] == [(1, "Who?"), (2, "When?")]
    assert not topics[1].questions.exists()


def test_a_number_used_twice_in_the_space_writes_nothing(db):
    phase = PhaseFactory()
    services.phase_topics_create(phase=phase, topics=[{"number": 1, "title": WATER}])
    later = PhaseFactory(space=phase.space)
    with pytest.raises(ValidationError):
        services.phase_topics_create(
            phase=later,
            topics=[{"number": 2, "title": WATER, "questions": [WATER]}, {"number": 1, "title": WATER}],
        )
    assert Topic.objects.count() == 1
    assert GuidingQuestion.objects.count() == 0
