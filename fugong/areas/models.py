from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Area(models.Model):
    """A node of the GB/T 2260 tree: the region, a league or a county."""

    class Level(models.TextChoices):
        REGION = "region", _("Region")
        LEAGUE = "league", _("League")
        COUNTY = "county", _("County")

    code = models.CharField(_("area code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=80)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")
    # Manzhouli and Erenhot: counted in their league, and also shown on their own.
    separately_listed = models.BooleanField(_("separately listed"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.name_en if get_language() == "en" else self.name

    @property
    def league_code(self) -> str | None:
        if self.level == self.Level.LEAGUE:
            return self.code
        if self.level == self.Level.COUNTY:
            return self.parent_id
        return None


class Park(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    league = models.ForeignKey(Area, models.PROTECT, related_name="league_parks", verbose_name=_("league"))
    county = models.ForeignKey(Area, models.PROTECT, related_name="county_parks", verbose_name=_("county"))

    class Meta:
        ordering = ["league_id", "name"]
        verbose_name = _("park")
        verbose_name_plural = _("parks")

    def __str__(self):
        return self.name
