"""The heart of the method in the demo: the convergence space's kick-off and its first dialogue (C7).

Forty participants of many sectors, stakeholder groups, ages and organisations register; five
facilitators run the tables; the tables are composed for diversity and published, so a visitor sees
what each participant and facilitator sees. Dates are relative to the day the demo is loaded: the
kick-off lies behind, the dialogue ahead. (The Convergence Action Group's meetings every two months, C12, come with the template.)
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hiwar.accounts.models import Organisation, Profile, User
from hiwar.events import services as event_services
from hiwar.events.precision import Precision, PrecisionDate
from hiwar.grouping import services as grouping_services
from hiwar.grouping.solver import warm_up
from hiwar.spaces import services as space_services
from hiwar.spaces.models import Role, Space

AMMAN = ZoneInfo("Asia/Amman")
PARTICIPANTS = 40
EXTRA_FACILITATORS = 3  # with the two facilitators of demo.yaml: one per table of eight

FIRST_NAMES = [
    ("ليلى", "Layla", "female"), ("أحمد", "Ahmad", "male"), ("رنا", "Rana", "female"),
    ("خالد", "Khaled", "male"), ("هبة", "Hiba", "female"), ("يوسف", "Yousef", "male"),
    ("دينا", "Dina", "female"), ("محمود", "Mahmoud", "male"), ("سلمى", "Salma", "female"),
    ("طارق", "Tareq", "male"), ("نور", "Nour", "female"), ("فادي", "Fadi", "male"),
    ("منى", "Mona", "female"), ("زياد", "Ziad", "male"), ("آمنة", "Amneh", "female"),
    ("باسل", "Basel", "male"), ("ريم", "Reem", "female"), ("عمر", "Omar", "male"),
    ("إيمان", "Eman", "female"), ("سامر", "Samer", "male"), ("لانا", "Lana", "female"),
    ("حسن", "Hasan", "male"), ("رهف", "Rahaf", "female"), ("مهند", "Muhannad", "male"),
]  # fmt: skip
FAMILY_NAMES = [
    ("العلي", "Al-Ali"), ("الزعبي", "Al-Zoubi"), ("الحديد", "Al-Hadid"), ("المومني", "Al-Momani"),
    ("العبادي", "Al-Abbadi"), ("الشرع", "Al-Sharaa"), ("النسور", "Al-Nsour"), ("الطراونة", "Al-Tarawneh"),
    ("القضاة", "Al-Qudah"), ("الخصاونة", "Al-Khasawneh"), ("الدباس", "Al-Dabbas"), ("حدادين", "Haddadin"),
]  # fmt: skip
# (organisation in Arabic and English, its type, sector, stakeholder group)
ORGANISATIONS = [
    ("جمعية مزارعي وادي الأردن", "Jordan Valley Farmers' Association", "farmers_org", "agriculture", "family_farmers"),
    ("تعاونية نساء مادبا الريفيات", "Madaba Rural Women's Cooperative", "youth_women_group", "gender", "women"),
    ("شبكة الشباب من أجل المناخ", "Youth for Climate Network", "youth_women_group", "youth", "youth"),
    ("الجامعة الأردنية — كلية الزراعة", "University of Jordan — Faculty of Agriculture", "academia", "research", "academia"),
    ("جمعية حماية المستهلك", "Consumer Protection Society", "consumer_org", "nutrition", "civil_society"),
    ("المؤسسة العامة للغذاء والدواء", "Jordan Food and Drug Administration", "regulator", "health", "government"),
    ("مؤسسة نهر الأردن", "Jordan River Foundation", "foundation", "social_protection", "civil_society"),
    ("اتحاد الصناعات الغذائية", "Food Industries Union", "private_sector", "trade_industry", "private_sector"),
    ("بلدية إربد الكبرى", "Greater Irbid Municipality", "subnational_government", "local_government", "local_authorities"),
    ("برنامج الأغذية العالمي", "World Food Programme", "un_entity", "humanitarian", "un_system"),
    ("صندوق المعونة الوطنية", "National Aid Fund", "ministry", "social_protection", "government"),
    ("مجلس عشائر البادية", "Badia Tribal Council", "indigenous_org", "environment", "indigenous_peoples"),
    ("البنك الزراعي", "Agricultural Credit Corporation", "financial_institution", "finance", "development_partner"),
    ("جمعية مستخدمي المياه في الأزرق", "Azraq Water Users' Association", "ngo", "water", "civil_society"),
]  # fmt: skip
AGES = ["19-30", "31-50", "31-50", "51-65", "19-30", "66-80"]
LANGUAGES = [["ar"], ["ar", "en"], ["ar"], ["ar", "en", "fr"]]


def _organisation(index: int) -> tuple[Organisation, str, str]:
    ar, en, kind, sector, group = ORGANISATIONS[index % len(ORGANISATIONS)]
    organisation, _created = Organisation.objects.get_or_create(
        name=ar, country="JO", defaults={"type": kind}
    )
    return organisation, sector, group


def _person(index: int, password_hash: str, *, prefix: str) -> User:
    first_ar, first_en, gender = FIRST_NAMES[index % len(FIRST_NAMES)]
    family_ar, family_en = FAMILY_NAMES[(index * 5) % len(FAMILY_NAMES)]
    user = User.objects.create(
        email=f"{prefix}{index + 1}@demo.hiwar.test",
        name=f"{first_ar} {family_ar}",
        email_verified=True,
        password=password_hash,
    )
    organisation, sector, group = _organisation(index)
    Profile.objects.create(
        user=user,
        organisation=organisation,
        sector=sector,
        stakeholder_group=group,
        gender=gender,
        age_range=AGES[index % len(AGES)],
        country="JO",
        working_languages=LANGUAGES[index % len(LANGUAGES)],
    )
    return user


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=AMMAN)


def load_dialogue(space: Space, password_hash: str, today: date) -> None:
    convenor = space.memberships.get(role=Role.CONVENOR).user
    facilitators = [
        _person(i, password_hash, prefix="facilitator")
        for i in range(PARTICIPANTS, PARTICIPANTS + EXTRA_FACILITATORS)
    ]
    for person in facilitators:
        space_services.membership_add(space=space, user=person, role=Role.FACILITATOR, actor=convenor)
    participants = [_person(i, password_hash, prefix="participant") for i in range(PARTICIPANTS)]
    for person in participants:
        space_services.membership_add(space=space, user=person, role=Role.MEMBER, actor=convenor)

    kickoff_day = today - timedelta(days=70)
    event_services.event_create(
        space=space,
        actor=convenor,
        title={
            "ar": "الاجتماع التعريفي لحوارات التقارب",
            "en": "Kick-off meeting of the Convergence Dialogues",
        },
        kind="kickoff",
        when=PrecisionDate(Precision.EXACT),
        start=_at(kickoff_day, 10),
        end=_at(kickoff_day, 11, 30),
        format="online",
        online_url="https://meet.example.org/jordan-convergence-kickoff",
        timezone="Asia/Amman",
        registration_mode="none",
    )
    dialogue_day = today + timedelta(days=12)
    dialogue = event_services.event_create(
        space=space,
        actor=convenor,
        title={"ar": "حوار التقارب الأول", "en": "First Convergence Dialogue"},
        description={
            "ar": "كيف نريد أن تبدو نظمنا الغذائية والعمل المناخي في الأردن بعد خمس سنوات؟ حوار بين الوزارات "
            "والمجموعات الرئيسية لأصحاب المصلحة ومنظومة الدعم حول تدخلات التقارب ذات الأولوية.",
            "en": "How do we want Jordan's food systems and climate action to look in five years? A dialogue of "
            "ministries, the major stakeholder groups and the support system on priority convergence interventions.",
        },
        kind="dialogue",
        when=PrecisionDate(Precision.EXACT),
        start=_at(dialogue_day, 9),
        end=_at(dialogue_day, 15),
        format="in_person",
        venue="عمّان — المركز الثقافي الملكي / Amman — Royal Cultural Centre",
        timezone="Asia/Amman",
        registration_mode="open",
        capacity=60,
        interpretation_languages=["en"],
    )
    agenda = [
        ("opening", 30, "الافتتاح: الأهداف والمخرجات المتوقعة", "Opening: objectives and expected outputs"),
        ("presentation", 30, "تقييم خط الأساس", "The baseline assessment"),
        ("discussion_groups", 90, "مجموعات النقاش على الطاولات", "Discussion groups at the tables"),
        ("break", 30, "استراحة", "Break"),
        ("reporting_back", 60, "عرض نتائج المجموعات", "Reporting back from the tables"),
        ("consolidation", 60, "توحيد الإجراءات ذات الأولوية", "Consolidating the priority actions"),
        ("closing", 20, "الختام والخطوات التالية", "Closing and next steps"),
    ]
    for order, (kind, minutes, ar, en) in enumerate(agenda):
        event_services.agenda_item_save(
            event=dialogue,
            actor=convenor,
            kind=kind,
            title={"ar": ar, "en": en},
            duration_minutes=minutes,
            order=order,
        )
    facilitating = list(space.memberships.filter(role=Role.FACILITATOR).select_related("user"))
    for membership in facilitating:
        event_services.register(event=dialogue, user=membership.user, by_organiser=convenor)
    for person in participants:
        event_services.register(event=dialogue, user=person)
    warm_up()  # compile the solver first, so its time limit is spent searching
    composition = grouping_services.compose(
        event=dialogue, actor=convenor, table_count=len(facilitating), seed=1, time_limit=1.0
    )
    grouping_services.publish(composition=composition, actor=convenor, accept_problems=True)
