from django.urls import path

from exchanges import views

app_name = "exchanges"

urlpatterns = [
    path("partners/autocomplete/", views.partner_autocomplete, name="partner-autocomplete"),
    *views.partners.urls(),
    path("agreements/<int:pk>/document/", views.agreement_document, name="agreement-document"),
    *views.agreements.urls(),
    *views.funding_schemes.urls(),
    path("mobilities/<int:pk>/report/", views.mobility_report, name="mobility-report"),
    path("mobilities/<int:pk>/report/file/", views.mobility_report_file, name="mobility-report-file"),
    path("mobilities/<int:pk>/workflow/<slug:action>/", views.mobility_transition, name="mobility-transition"),
    *views.mobilities.urls(),
    *views.events.urls(),
    *views.language_tests.urls(),
]
