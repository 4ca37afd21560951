from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.HIWAR_SITE_NAME}
