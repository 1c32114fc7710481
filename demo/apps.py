from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic dataset and the zero-setup portal: at the top of the graph, it drives every other app."""

    name = "demo"
