from django.urls import URLPattern, URLResolver

app_name = "sla"

urlpatterns: list[URLPattern | URLResolver] = []
