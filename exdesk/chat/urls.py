from django.urls import path

from . import views

app_name = "chat"
urlpatterns = [
    path("v1/upload", views.upload, name="upload"),
    path("v1/i18n/<str:language>.json", views.strings, name="strings"),
    path("v1/<str:name>", views.widget_asset, name="widget_asset"),
    path("demo/", views.demo, name="demo"),
]
