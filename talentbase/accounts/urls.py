from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", views.SecondFactorView.as_view(), name="otp-verify"),
    path("login/enrol/", views.SecondFactorView.as_view(enrol=True), name="otp-setup"),
    path("activate/", views.ActivationView.as_view(), name="activate"),
    path("workers/", views.WorkerAccountsView.as_view(), name="worker-accounts"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("me/", views.ProfileView.as_view(), name="profile"),
    path("me/password/", views.PasswordChangeView.as_view(), name="password-change"),
    path("me/membership/", views.SwitchMembershipView.as_view(), name="switch-membership"),
    path("users/", views.UserListView.as_view(), name="user-list"),
    path("users/new/", views.UserCreateView.as_view(), name="user-create"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user-detail"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user-edit"),
    path("users/<int:pk>/<slug:name>/", views.UserCommandView.as_view(), name="user-command"),
]
