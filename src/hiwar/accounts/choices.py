"""The vocabularies that grouping (C7) and participation statistics (seed 000 feedback form) share."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    MINISTRY = "ministry", _("Government ministry or agency")
    SUBNATIONAL = "subnational_government", _("Sub-national government")
    UN_ENTITY = "un_entity", _("UN entity")
    IGO = "igo", _("Intergovernmental organisation")
    NGO = "ngo", _("NGO / civil society")
    PRIVATE = "private_sector", _("Private sector")
    ACADEMIA = "academia", _("Academia / research")
    FARMERS = "farmers_org", _("Farmers' organisation")
    INDIGENOUS = "indigenous_org", _("Indigenous peoples' organisation")
    YOUTH_WOMEN = "youth_women_group", _("Youth or women's group")
    CONSUMERS = "consumer_org", _("Consumers' organisation")
    FOUNDATION = "foundation", _("Foundation")
    REGULATOR = "regulator", _("Regulatory authority")
    FINANCIAL = "financial_institution", _("Financial institution")
    DEVELOPMENT_BANK = "development_bank", _("Development bank")
    OTHER = "other", _("Other")


class Sector(models.TextChoices):
    AGRICULTURE = "agriculture", _("Agriculture and food")
    HEALTH = "health", _("Health")
    ENVIRONMENT = "environment", _("Environment and climate")
    WATER = "water", _("Water")
    NUTRITION = "nutrition", _("Nutrition")
    SOCIAL = "social_protection", _("Social protection")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    GENDER = "gender", _("Gender and women")
    YOUTH = "youth", _("Youth")
    FINANCE = "finance", _("Finance and planning")
    RESEARCH = "research", _("Research and education")
    HUMANITARIAN = "humanitarian", _("Humanitarian and disaster risk")
    MIGRATION = "migration", _("Migration")
    TRADE = "trade_industry", _("Trade and industry")
    OTHER = "other", _("Other")


class StakeholderGroup(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    FAMILY_FARMERS = "family_farmers", _("Family farmers and producers")
    WOMEN = "women", _("Women")
    YOUTH = "youth", _("Youth")
    INDIGENOUS = "indigenous_peoples", _("Indigenous peoples and local communities")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    PRIVATE = "private_sector", _("Private sector")
    ACADEMIA = "academia", _("Academia and science")
    UN_SYSTEM = "un_system", _("UN system")
    DEVELOPMENT_PARTNER = "development_partner", _("Development partners and financial institutions")
    LOCAL_AUTHORITIES = "local_authorities", _("Local authorities")
    OTHER = "other", _("Other")


class Gender(models.TextChoices):
    FEMALE = "female", _("Woman")
    MALE = "male", _("Man")
    OTHER = "other", _("Another gender")
    PREFER_NOT = "prefer_not_to_say", _("Prefer not to say")


class AgeRange(models.TextChoices):
    # The age bands of the Food Systems Summit dialogue feedback form.
    UP_TO_18 = "0-18", "0–18"
    R19_30 = "19-30", "19–30"
    R31_50 = "31-50", "31–50"
    R51_65 = "51-65", "51–65"
    R66_80 = "66-80", "66–80"
    OVER_80 = "80+", "80+"


class Region(models.TextChoices):
    ARAB_STATES = "arab_states", _("Arab States")
    AFRICA = "africa", _("Africa")
    ASIA_PACIFIC = "asia_pacific", _("Asia and the Pacific")
    EUROPE_CENTRAL_ASIA = "europe_central_asia", _("Europe and Central Asia")
    LATIN_AMERICA = "latin_america_caribbean", _("Latin America and the Caribbean")
    NORTH_AMERICA = "north_america", _("North America")
    GLOBAL = "global", _("Global")


class Visibility(models.TextChoices):
    """Who may see one profile attribute."""

    PRIVATE = "private", _("Only me and the secretariat")
    MEMBERS = "members", _("Members of my spaces")
    PUBLIC = "public", _("Everyone")


class Language(models.TextChoices):
    AR = "ar", "العربية"
    EN = "en", "English"
    FR = "fr", "Français"
    ES = "es", "Español"
    RU = "ru", "Русский"
    ZH = "zh-hans", "中文"
