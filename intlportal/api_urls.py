"""The read-only REST API under /api/v1/ (apps add their routes here)."""

app_name = "api"
urlpatterns: list = []
