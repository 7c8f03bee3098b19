from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "danvan.demo"
    verbose_name = "Demo"
