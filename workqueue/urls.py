app_name = "workqueue"
urlpatterns: list = []
