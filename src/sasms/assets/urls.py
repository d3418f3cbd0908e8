from django.urls import URLPattern, URLResolver

app_name = "assets"

urlpatterns: list[URLPattern | URLResolver] = []
