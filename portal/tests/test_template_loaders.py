"""Templates are parsed once per process in every mode that serves people: Django caches
them unless `loaders` is set, and a list given without the cached loader would parse every
template (and every include in a row loop) again on each request."""

from django.template import engines


def test_the_project_templates_are_read_through_the_cached_loader():
    loaders = engines["django"].engine.loaders
    assert [loader[0] if isinstance(loader, tuple) else loader for loader in loaders] == [
        "django.template.loaders.cached.Loader"
    ]
