from django.contrib import admin

from hiwar.discussions.models import GuidingQuestion, Topic


class QuestionInline(admin.TabularInline):
    model = GuidingQuestion
    extra = 0


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["__str__", "space", "phase"]
    list_select_related = ["space", "phase"]
    inlines = [QuestionInline]
