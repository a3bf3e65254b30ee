from django.conf import settings

from .navigation import menu_bar, menu_for
from .roles import role_label


def shell(request):
    """What every page's frame needs: the actor, their menu and the role's name."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return {}
    menu = menu_for(actor) if getattr(request, "user", None) and request.user.is_authenticated else []
    return {
        "actor": actor,
        "menu": menu,
        "menu_bar": menu_bar(menu),
        "role_label": role_label(actor.role),
        "debug_banner": settings.DEBUG,
    }
