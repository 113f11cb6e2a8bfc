"""Courses (migration 6): shared by Onboarding's training steps and Enablement's
enrolments and certifications."""

from __future__ import annotations

from peewee import TextField

from channeldesk.domain.course import (
    DURATION_MAX_HOURS,
    TITLE_MAX,
    VALIDITY_MAX_MONTHS,
    CourseLevel,
    level_label,
)
from channeldesk.domain.partner import TEXT_MAX
from channeldesk.store.description import FieldSpec, Kind, Naming, TableDescription
from channeldesk.store.fields import choices_of
from channeldesk.store.models.base import CheckedIntegerField, SyncedModel, attach


class Course(SyncedModel):
    """A course a partner's people can take; ``validity_months`` 0 means it never expires."""

    title = TextField()
    product = TextField(default="")
    level = TextField(default=CourseLevel.FOUNDATION.value)
    duration_hours = CheckedIntegerField(default=0)
    validity_months = CheckedIntegerField(default=0)
    url = TextField(default="")
    description = TextField(default="")

    class Meta:
        table_name = "course"


attach(Course, TableDescription(
    "course", "Course", "Courses",
    fields=(
        FieldSpec("title", "Title", required=True, max_length=TITLE_MAX),
        FieldSpec("product", "Product", max_length=TITLE_MAX),
        FieldSpec("level", "Level", Kind.CHOICE, required=True,
                  choices=choices_of(CourseLevel, level_label)),
        FieldSpec("duration_hours", "Duration (hours)", Kind.INT, minimum=0,
                  maximum=DURATION_MAX_HOURS),
        FieldSpec("validity_months", "Valid for (months)", Kind.INT, minimum=0,
                  maximum=VALIDITY_MAX_MONTHS),
        FieldSpec("url", "Link", max_length=TEXT_MAX),
        FieldSpec("description", "Description", Kind.LONG_TEXT, max_length=TEXT_MAX),
    ),
    naming=Naming({"title": "r.title"}, lambda v: str(v["title"] or "")),
))
