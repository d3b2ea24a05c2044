"""A paginator whose last pages cost what its first pages cost.

OFFSET makes the database read and discard every row before the page: page 4,000 of a
100,000-attribution list reads 100,000 rows. Two measures keep a page cheap whatever the
list's size (docs/performance.md):
- past the middle, the same rows are read from the other end (the ordering reversed, a small
  OFFSET) and put back in order. The ordering must be total (the selectors end it with
  "-id") so both directions agree;
- the rows skipped by OFFSET are read as ids only (from an index that holds the sort
  columns, without touching the table), then the page's rows are fetched by id.
"""

from django.core.paginator import Paginator


class TwoEndedPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = self.object_list
        if not getattr(queryset, "ordered", False):
            return self._get_page(queryset[bottom:top], number, self)
        reverse = bottom > self.count // 2
        if reverse:
            ids = list(
                queryset.reverse().values_list("pk", flat=True)[
                    self.count - top : self.count - bottom
                ]
            )[::-1]
        else:
            ids = list(queryset.values_list("pk", flat=True)[bottom:top])
        rows = {obj.pk: obj for obj in queryset.filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
