"""URLs of a table's rows, reversed once per table instead of once per row.

    {% row_url "roles:attribution" "pk" eq_id=eq.pk as attribution_url %}
    {% for a in page %}<a href="{{ attribution_url|with_key:a.pk }}">…{% endfor %}

gives the same addresses as `{% url "roles:attribution" eq_id=eq.pk pk=a.pk %}` in the loop.
Each `{% url %}` resolves the pattern again (about 30 µs here): a page of 50 rows paid more
for its links than for reading its rows.
"""

from urllib.parse import quote

from django import template
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

register = template.Library()

# Digits are what every converter of the portal's rows accepts (int, str, slug).
_MARKER = "918273645"


class RowURL:
    """The URL of `viewname` with every argument but `key` fixed: its text around the key."""

    def __init__(self, viewname: str, key: str, **kwargs):
        url = reverse(viewname, kwargs={**kwargs, key: _MARKER})
        parts = url.split(_MARKER)
        if len(parts) != 2:
            raise ValueError(f"cannot build row URLs of {viewname} around {key}")
        self.prefix, self.suffix = parts

    def with_key(self, value) -> str:
        # As reverse() quotes each argument.
        return f"{self.prefix}{quote(str(value), safe=RFC3986_SUBDELIMS + '/~:@')}{self.suffix}"


@register.simple_tag
def row_url(viewname: str, key: str, **kwargs) -> RowURL:
    return RowURL(viewname, key, **kwargs)


@register.filter
def with_key(url: RowURL, value) -> str:
    return url.with_key(value)
