def load_initial_content(sender, using="default", **kwargs) -> None:
    from wizard.content.loader import load_content
    from wizard.models import Page

    if Page.objects.using(using).exists():
        return
    load_content()
