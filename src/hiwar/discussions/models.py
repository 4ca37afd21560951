from django.db import models
from django.utils.translation import gettext_lazy as _

from hiwar.core.models import TimeStampedModel
from hiwar.core.translation import pick


class Topic(TimeStampedModel):
    """A numbered discussion group and its topic (B1), optionally tied to a phase (a week)."""

    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="topics")
    phase = models.ForeignKey(
        "spaces.Phase", null=True, blank=True, on_delete=models.SET_NULL, related_name="topics"
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.JSONField(_("topic"))

    class Meta:
        ordering = ["space", "number"]
        verbose_name = _("discussion topic")
        verbose_name_plural = _("discussion topics")
        constraints = [models.UniqueConstraint("space", "number", name="discussions_topic_number_unique")]

    def __str__(self):
        return f"{self.number}. {pick(self.title)}"


class GuidingQuestion(TimeStampedModel):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="questions")
    number = models.PositiveIntegerField(_("number"))
    text = models.JSONField(_("question"))

    class Meta:
        ordering = ["topic", "number"]
        verbose_name = _("guiding question")
        verbose_name_plural = _("guiding questions")
        constraints = [models.UniqueConstraint("topic", "number", name="discussions_question_number_unique")]

    def __str__(self):
        return f"{self.number}. {pick(self.text)}"
