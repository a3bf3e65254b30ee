from django.conf import settings

from .navigation import menu_html
from .roles import role_label


def shell(request):
    """What every page's frame needs: the actor, their menu and the role's name."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return {}
    signed_in = getattr(request, "user", None) and request.user.is_authenticated
    return {
        "actor": actor,
        "menu_html": menu_html(actor, request.path) if signed_in else "",
        "role_label": role_label(actor.role),
        "debug_banner": settings.DEBUG,
    }
