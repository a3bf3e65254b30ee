from rest_framework import serializers

from talentbase.core.api import ScopedModelSerializer, ScopedReadOnlyViewSet

from .models import Membership, User


class MembershipSerializer(ScopedModelSerializer):
    class Meta:
        model = Membership
        fields = ["id", "user", "organisation", "role", "is_active", "created_at"]


class UserSerializer(ScopedModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)
    is_locked = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "is_active",
            "is_locked",
            "last_login",
            "date_joined",
            "memberships",
        ]

    def get_is_locked(self, user) -> bool:
        return user.is_locked()


class UserViewSet(ScopedReadOnlyViewSet):
    """Accounts are created and changed on the administrators' pages, where each change is confirmed."""

    model = User
    serializer_class = UserSerializer
    ordering = ["username"]


class MembershipViewSet(ScopedReadOnlyViewSet):
    model = Membership
    serializer_class = MembershipSerializer
    ordering = ["pk"]
