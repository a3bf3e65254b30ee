from django.db import models

from talentbase.core.scoping import ScopedQuerySet


class ApplicationState(models.TextChoices):
    APPLIED = "applied", "已申请"
    ACCEPTED = "accepted", "已录取"
    DECLINED = "declined", "未录取"


class Application(models.Model):
    """A person's application to a training institution: applied until the institution accepts it (with the
    date the course starts; a letter is then written by a background job) or declines it."""

    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="+")
    institution = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=20, choices=ApplicationState.choices, default=ApplicationState.APPLIED
    )
    starts_on = models.DateField(null=True, blank=True)
    letter_job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "institution"], name="example_one_application")
        ]

    def __str__(self) -> str:
        return f"申请 {self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("example:application-detail", args=[self.pk])
