app_name = "dataops"
urlpatterns: list = []
