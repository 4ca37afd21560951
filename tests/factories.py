import factory
from django.utils import timezone

from hiwar.accounts.models import Organisation, Profile, User
from hiwar.spaces.models import Membership, Phase, Role, Space


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"مشارك {n}")
    email_verified = True
    preferred_language = "ar"
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def profile(obj, create, extracted, **kwargs):
        if create:
            Profile.objects.get_or_create(user=obj)
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"منظمة {n}")
    type = "ngo"


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space

    slug = factory.Sequence(lambda n: f"space-{n}")
    title = factory.Sequence(lambda n: {"ar": f"مساحة {n}", "en": f"Space {n}"})
    description = {"ar": "وصف", "en": "A description"}
    kind = "process"
    visibility = "public"
    start_date = factory.LazyFunction(timezone.localdate)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    space = factory.SubFactory(SpaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class PhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Phase

    space = factory.SubFactory(SpaceFactory)
    title = {"ar": "المرحلة", "en": "Phase"}
