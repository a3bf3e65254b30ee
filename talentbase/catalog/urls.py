from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("occupations/", views.OccupationListView.as_view(), name="occupation-list"),
    path("occupations/new/", views.OccupationFormView.as_view(), name="occupation-create"),
    path("occupations/<int:pk>/", views.OccupationDetailView.as_view(), name="occupation-detail"),
    path("occupations/<int:pk>/edit/", views.OccupationFormView.as_view(), name="occupation-edit"),
    path("occupations/<int:pk>/delete/", views.OccupationDeleteView.as_view(), name="occupation-delete"),
    path("districts/", views.DistrictListView.as_view(), name="district-list"),
    path("districts/<int:pk>/", views.DistrictDetailView.as_view(), name="district-detail"),
    path("districts/<int:pk>/edit/", views.DistrictFormView.as_view(), name="district-edit"),
    path("sectors/", views.SectorListView.as_view(), name="sector-list"),
    path("sectors/new/", views.SectorFormView.as_view(), name="sector-create"),
    path("sectors/<int:pk>/", views.SectorDetailView.as_view(), name="sector-detail"),
    path("sectors/<int:pk>/edit/", views.SectorFormView.as_view(), name="sector-edit"),
    path("sectors/<int:pk>/delete/", views.SectorDeleteView.as_view(), name="sector-delete"),
    path("levels/", views.LevelListView.as_view(), name="level-list"),
    path("levels/<int:pk>/", views.LevelDetailView.as_view(), name="level-detail"),
    path("kinds/", views.KindListView.as_view(), name="kind-list"),
    path("kinds/new/", views.KindFormView.as_view(), name="kind-create"),
    path("kinds/<int:pk>/", views.KindDetailView.as_view(), name="kind-detail"),
    path("kinds/<int:pk>/edit/", views.KindFormView.as_view(), name="kind-edit"),
    path("kinds/<int:pk>/delete/", views.KindDeleteView.as_view(), name="kind-delete"),
    path("aliases/", views.AliasListView.as_view(), name="alias-list"),
    path("aliases/new/", views.AliasFormView.as_view(), name="alias-create"),
    path("aliases/<int:pk>/", views.AliasDetailView.as_view(), name="alias-detail"),
    path("aliases/<int:pk>/edit/", views.AliasFormView.as_view(), name="alias-edit"),
    path("aliases/<int:pk>/delete/", views.AliasDeleteView.as_view(), name="alias-delete"),
    path("work-types/", views.WorkTypeListView.as_view(), name="work-type-list"),
    path("work-types/new/", views.WorkTypeFormView.as_view(), name="work-type-create"),
    path("work-types/<int:pk>/", views.WorkTypeDetailView.as_view(), name="work-type-detail"),
    path("work-types/<int:pk>/edit/", views.WorkTypeFormView.as_view(), name="work-type-edit"),
    path("work-types/<int:pk>/delete/", views.WorkTypeDeleteView.as_view(), name="work-type-delete"),
    path("number-formats/", views.NumberFormatListView.as_view(), name="number-format-list"),
    path("number-formats/new/", views.NumberFormatFormView.as_view(), name="number-format-create"),
    path("number-formats/<int:pk>/", views.NumberFormatDetailView.as_view(), name="number-format-detail"),
    path("number-formats/<int:pk>/edit/", views.NumberFormatFormView.as_view(), name="number-format-edit"),
    path(
        "number-formats/<int:pk>/delete/", views.NumberFormatDeleteView.as_view(), name="number-format-delete"
    ),
]
