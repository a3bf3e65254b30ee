"""URLs: pages under their app's prefix, the API under /api/v1/, its schema at /api/schema/."""

from django.conf import settings
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from talentbase.accounts import api as accounts_api
from talentbase.catalog import api as catalog_api
from talentbase.certificates import api as certificates_api
from talentbase.core import errors_views
from talentbase.core.imports import api as import_api
from talentbase.core.jobs import api as jobs_api
from talentbase.core.schema import ApiDocsView
from talentbase.evaluation import api as evaluation_api
from talentbase.legacy_certificates import api as credentials_api
from talentbase.orgs import api as orgs_api
from talentbase.registry import api as registry_api

router = DefaultRouter()
router.register("districts", catalog_api.DistrictViewSet, basename="district")
router.register("sectors", catalog_api.SectorViewSet, basename="sector")
router.register("levels", catalog_api.LevelViewSet, basename="level")
router.register("occupations", catalog_api.OccupationViewSet, basename="occupation")
router.register("occupation-aliases", catalog_api.OccupationAliasViewSet, basename="occupationalias")
router.register("work-types", catalog_api.WorkTypeViewSet, basename="worktype")
router.register("calendar-years", catalog_api.CalendarYearViewSet, basename="calendaryear")
router.register("calendar-days", catalog_api.CalendarDayViewSet, basename="calendarday")
router.register(
    "certificate-number-formats",
    catalog_api.CertificateNumberFormatViewSet,
    basename="certificatenumberformat",
)
router.register("organisation-kinds", catalog_api.OrganisationKindViewSet, basename="organisationkind")
router.register("organisations", orgs_api.OrganisationViewSet, basename="organisation")
router.register("filings", orgs_api.FilingViewSet, basename="filing")
router.register("users", accounts_api.UserViewSet, basename="user")
router.register("memberships", accounts_api.MembershipViewSet, basename="membership")
router.register("persons", registry_api.PersonViewSet, basename="person")
router.register("employments", registry_api.EmploymentViewSet, basename="employment")
router.register("level-entries", registry_api.LevelEntryViewSet, basename="levelentry")
router.register("certificate-records", credentials_api.CertificateRecordViewSet, basename="certificaterecord")
router.register("certificate-reports", credentials_api.CertificateReportViewSet, basename="certificatereport")
router.register("standard-versions", evaluation_api.VersionViewSet, basename="standardversion")
router.register("standard-levels", evaluation_api.VersionLevelViewSet, basename="versionlevel")
router.register("eligibility-paths", evaluation_api.EligibilityPathViewSet, basename="eligibilitypath")
router.register("evaluation-plans", evaluation_api.PlanViewSet, basename="evaluationplan")
router.register("evaluation-plan-lines", evaluation_api.PlanLineViewSet, basename="planline")
router.register("evaluation-sessions", evaluation_api.SessionViewSet, basename="evaluationsession")
router.register("evaluation-applications", evaluation_api.ApplicationViewSet, basename="evaluationapplication")
router.register("examiners", evaluation_api.ExaminerViewSet, basename="examinerqualification")
router.register("avoidance-rules", evaluation_api.AvoidanceRuleViewSet, basename="avoidancerule")
router.register("staffing-rules", evaluation_api.StaffingRuleViewSet, basename="staffingrule")
router.register("assignments", evaluation_api.AssignmentViewSet, basename="assignment")
router.register("issued-certificates", certificates_api.CertificateViewSet, basename="certificate")
router.register("imports", import_api.ImportBatchViewSet, basename="import")
router.register("jobs", jobs_api.JobViewSet, basename="job")

urlpatterns = [
    path("", include("talentbase.core.urls")),
    path("accounts/", include("talentbase.accounts.urls")),
    path("catalog/", include("talentbase.catalog.urls")),
    path("organisations/", include("talentbase.orgs.urls")),
    path("persons/", include("talentbase.registry.urls")),
    path("certificates/", include("talentbase.legacy_certificates.urls")),
    path("evaluation/", include("talentbase.evaluation.urls")),
    path("issued-certificates/", include("talentbase.certificates.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/persons/search/", registry_api.PersonSearchView.as_view(), name="person-search"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
]

handler403 = errors_views.permission_denied
handler404 = errors_views.page_not_found
handler500 = errors_views.server_error

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
