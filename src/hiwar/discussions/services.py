"""Writes of the discussions app: topics and their guiding questions."""

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from django.db import transaction

from hiwar.discussions.models import GuidingQuestion, Topic

if TYPE_CHECKING:
    from hiwar.spaces.models import Phase


@transaction.atomic
def phase_topics_create(*, phase: "Phase", topics: Iterable[Mapping]) -> list[Topic]:
    """Create a phase's numbered discussion topics, each with its guiding questions numbered from 1.

    `topics` has the process templates' shape: {"number": 3, "title": {...}, "questions": [{...}]}.
    A number already used in the space refuses the whole set.
    """
    created = []
    for spec in topics:
        topic = Topic(space_id=phase.space_id, phase=phase, number=spec["number"], title=spec["title"])
        topic.full_clean()
        topic.save()
        questions = [
            GuidingQuestion(topic=topic, number=number, text=text)
            for number, text in enumerate(spec.get("questions", []), 1)
        ]
        for question in questions:
            question.full_clean()
        GuidingQuestion.objects.bulk_create(questions)
        created.append(topic)
    return created
