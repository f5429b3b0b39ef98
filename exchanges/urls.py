from django.urls import path

from exchanges import views
from intlportal.routing import crud_patterns

app_name = "exchanges"

urlpatterns = [
    path("partners/autocomplete/", views.partner_autocomplete, name="partner-autocomplete"),
    *crud_patterns("partners", "partner", list_view=views.PartnerList, detail=views.PartnerDetail,
                   create=views.PartnerCreate, update=views.PartnerUpdate, delete=views.PartnerDelete),
    path("agreements/<int:pk>/document/", views.agreement_document, name="agreement-document"),
    *crud_patterns("agreements", "agreement", list_view=views.AgreementList, detail=views.AgreementDetail,
                   create=views.AgreementCreate, update=views.AgreementUpdate, delete=views.AgreementDelete),
    *crud_patterns("funding", "fundingscheme", list_view=views.FundingSchemeList, detail=views.FundingSchemeDetail,
                   create=views.FundingSchemeCreate, update=views.FundingSchemeUpdate,
                   delete=views.FundingSchemeDelete),
    path("mobilities/<int:pk>/report/", views.mobility_report, name="mobility-report"),
    path("mobilities/<int:pk>/report/file/", views.mobility_report_file, name="mobility-report-file"),
    path("mobilities/<int:pk>/workflow/<slug:action>/", views.mobility_transition, name="mobility-transition"),
    *crud_patterns("mobilities", "mobility", list_view=views.MobilityList, detail=views.MobilityDetail,
                   create=views.MobilityCreate, update=views.MobilityUpdate, delete=views.MobilityDelete),
    *crud_patterns("events", "event", list_view=views.EventList, detail=views.EventDetail,
                   create=views.EventCreate, update=views.EventUpdate, delete=views.EventDelete),
    *crud_patterns("language-tests", "languagetest", list_view=views.LanguageTestList,
                   detail=views.LanguageTestDetail, create=views.LanguageTestCreate,
                   update=views.LanguageTestUpdate, delete=views.LanguageTestDelete),
]
