from django.urls import path

from talentbase.core.imports.views import import_urls

from . import level_views, views

app_name = "registry"

urlpatterns = [
    path("", views.PersonListView.as_view(), name="person-list"),
    path("new/", views.PersonCreateView.as_view(), name="person-create"),
    path("me/", views.MyRecordView.as_view(), name="my-record"),
    path("me/phone/", views.MyPhoneView.as_view(), name="my-phone"),
    path("levels/", level_views.LevelReportView.as_view(), name="level-report"),
    path("<int:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("<int:pk>/edit/", views.PersonEditView.as_view(), name="person-edit"),
    path("<int:pk>/employments/", views.EmploymentAddView.as_view(), name="employment-add"),
    path("employments/<int:pk>/depart/", views.DepartureView.as_view(), name="employment-depart"),
    path("employments/<int:pk>/edit/", views.EmploymentCorrectView.as_view(), name="employment-edit"),
    path("<int:pk>/reveal/", views.RevealView.as_view(), name="person-reveal"),
    path("<int:pk>/titles/", views.TitleAddView.as_view(), name="title-add"),
    path("<int:pk>/education/", views.EducationAddView.as_view(), name="education-add"),
    path("<int:pk>/merge/", views.MergeView.as_view(), name="person-merge"),
    *import_urls("registry.persons"),
]
