"""The site's URLs with the ops endpoints in front (as the lead will wire them in sasms/urls.py)."""

from django.urls import include, path

from sasms.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("", include("sasms.ops.urls")), *site_urlpatterns]
