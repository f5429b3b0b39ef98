from django.urls import path

from assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("scorecards/", views.scorecards, name="scorecards"),
    path("<int:year>/faculties/<str:code>/", views.scorecard, name="scorecard"),
    path("faculties/<str:code>/history/", views.faculty_history, name="faculty-history"),
    path("plans/<int:pk>/results/", views.plan_results, name="plan-results"),
    path("<int:year>/faculties/<str:code>/<slug:indicator>/records/", views.records, name="records"),
    path("<int:year>/figures/<slug:key>/", views.figure, name="figure"),
    path("<int:year>/what-if/", views.what_if, name="what-if"),
    path("<int:year>/export.xlsx", views.export_xlsx, name="export-xlsx"),
    path("<int:year>/print/", views.print_view, name="print"),
    path("<int:year>/publish/", views.publish_year, name="publish"),
    path("<int:year>/publications/", views.publication_list, name="publication-list"),
    path("indicators/", views.IndicatorList.as_view(), name="indicator-list"),
    path("indicators/<int:pk>/edit/", views.IndicatorUpdate.as_view(), name="indicator-edit"),
    path("targets/", views.TargetList.as_view(), name="target-list"),
    path("targets/new/", views.TargetCreate.as_view(), name="target-create"),
    path("targets/<int:pk>/edit/", views.TargetUpdate.as_view(), name="target-edit"),
    path("targets/<int:pk>/delete/", views.TargetDelete.as_view(), name="target-delete"),
    path("pools/", views.PoolList.as_view(), name="pool-list"),
    path("pools/new/", views.PoolCreate.as_view(), name="pool-create"),
    path("pools/<int:pk>/edit/", views.PoolUpdate.as_view(), name="pool-edit"),
    path("pools/<int:pk>/delete/", views.PoolDelete.as_view(), name="pool-delete"),
    path("runs/", views.run_list, name="run-list"),
    path("runs/start/", views.run_start, name="run-start"),
    path("runs/<int:pk>/", views.run_detail, name="run-detail"),
]
