"""Public pages of the registry mirror: no sign-in needed."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from enterprises.registry import (
    MAX_QUERY_LENGTH,
    EnterpriseQuery,
    parse_enterprise_query,
    search_enterprises,
)
from enterprises.selectors import juridical_form_labels
from portal.text import SafeTextMixin

PAGE_SIZE = 25


class EnterpriseSearchForm(SafeTextMixin, forms.Form):
    q = forms.CharField(
        label=_("Enterprise number or name"),
        required=False,
        # Longer input is refused with a message by the parser, not cut by the browser.
        max_length=MAX_QUERY_LENGTH * 2,
        help_text=_("For example 0123.456.749, BE0123456749 or part of the name."),
        widget=forms.SearchInput,
    )

    def clean_q(self) -> EnterpriseQuery:
        return parse_enterprise_query(self.cleaned_data["q"])


def _label_juridical_forms(enterprises) -> None:
    """Set `juridical_form_label` on each enterprise: the name of its form in the active
    language, its code when the name is unknown. One query for the whole page, none per row."""
    codes = {enterprise.juridical_form for enterprise in enterprises if enterprise.juridical_form}
    labels = juridical_form_labels(codes)
    for enterprise in enterprises:
        code = enterprise.juridical_form
        enterprise.juridical_form_label = labels.get(code, code)


@require_safe
def search(request):
    """BCE Public Search: find an enterprise by number or name, see whether it is registered."""
    form = EnterpriseSearchForm(request.GET or None)
    page = None
    query = EnterpriseQuery()
    if form.is_valid():
        query = form.cleaned_data["q"]
        if query.number or query.text:
            page = Paginator(search_enterprises(query), PAGE_SIZE).get_page(request.GET.get("page"))
            # A list, so that the labels set here are on the very objects the template shows.
            page.object_list = list(page.object_list)
            _label_juridical_forms(page.object_list)
    return render(
        request,
        "enterprises/search.html",
        {"form": form, "query": query, "page": page, "help_slug": "lr-register"},
    )
