from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class CharterVersionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


class CharterVersion(models.Model):
    number = models.PositiveIntegerField(_("version"), unique=True)
    summary_fr = models.TextField(_("summary (French)"))
    summary_en = models.TextField(_("summary (English)"))
    text_fr = models.TextField(_("full text (French)"))
    text_en = models.TextField(_("full text (English)"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = CharterVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")
        ordering = ["-number"]

    def __str__(self):
        return _("Charter v%(number)s") % {"number": self.number}

    @property
    def summary(self) -> str:
        return self.summary_fr if translation.get_language() == "fr" else self.summary_en

    @property
    def text(self) -> str:
        return self.text_fr if translation.get_language() == "fr" else self.text_en


class RuleCategory(models.TextChoices):
    WEAPON = "weapon", _("Weapon")
    BLADE = "blade", _("Blade or sharp object")
    BULKY = "bulky", _("Bulky goods")
    DANGEROUS = "dangerous", _("Dangerous goods")
    ILLEGAL = "illegal", _("Illegal goods")


class Rule(models.Model):
    version = models.ForeignKey(
        CharterVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="rules"
    )
    category = models.CharField(_("category"), max_length=16, choices=RuleCategory.choices)
    terms = models.TextField(
        _("terms"), help_text=_("One word or phrase per line, French or English; plurals are matched.")
    )
    exceptions = models.TextField(
        _("exceptions"), blank=True, help_text=_("Phrases that make a term harmless, one per line (e.g. glue gun).")
    )
    reason_fr = models.CharField(_("reason (French)"), max_length=300)
    reason_en = models.CharField(_("reason (English)"), max_length=300)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["version", "category", "id"]

    def __str__(self):
        return f"{self.get_category_display()}: {self.terms.splitlines()[0] if self.terms else ''}"
