"""A paginator whose last pages cost what its first pages cost.

OFFSET makes the database read and discard every row before the page: page 4,000 of a
100,000-attribution list reads 100,000 rows. Three measures keep a page cheap whatever the
list's size (docs/performance.md):
- past the middle, the same rows are read from the other end (the ordering reversed, a small
  OFFSET) and put back in order. The ordering must be total (the selectors end it with
  "-id") so both directions agree;
- the rows skipped by OFFSET are read as ids only (from an index that holds the sort
  columns, without touching the table), in a subquery of the query that reads the page's
  rows by id: one round trip;
- with `count_cap`, the rows are counted only up to the cap (COUNT over a LIMIT): a list of
  100,000 attributions is not counted again on every page. `count_is_exact` then says
  whether `count` is the number of rows, or only a bound they exceed (shown "more than");
  a page beyond the cap, or the last pages read from the other end, count exactly.
"""

from django.core.paginator import Paginator
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property


class TwoEndedPaginator(Paginator):
    """`ranked=(field, groups)` says that the list is ordered by groups of `field`'s values
    (`groups` in the list's order: each a value, or a list or queryset of values), then by
    -id within a group: the role sort, a CASE that PostgreSQL sorts only after reading every
    row. The page's ids are then read from each group's own index range, at most the page's
    end of each (`ranked_ids`), and merged in one query."""

    def __init__(self, *args, count_cap: int | None = None, ranked=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_cap = count_cap
        self.ranked = ranked
        self._wanted = 1  # the page asked for: whether a capped count can serve it
        self.count_is_exact = True

    @cached_property
    def count(self) -> int:
        cap = self.count_cap
        queryset = self.object_list
        self.count_is_exact = True
        if cap is None or not hasattr(queryset, "order_by") or self._wanted * self.per_page > cap:
            return super().count
        # One row past the cap tells "more than the cap" from "exactly the cap".
        counted = queryset.order_by()[: cap + 1].count()
        self.count_is_exact = counted <= cap
        return counted

    @cached_property
    def pages_lower_bound(self) -> int:
        """When the count is only a bound: the number of pages the rows certainly exceed."""
        return self.count_cap // self.per_page if self.count_cap else self.num_pages

    def validate_number(self, number):
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = None  # Paginator's own refusal follows
        if wanted is not None:
            self._wanted = wanted
            if not self.__dict__.get("count_is_exact", True) and wanted >= self.num_pages:
                # The page at the bound needs the real count (its end, "next", its rows).
                for name in ("count", "num_pages", "page_range"):
                    self.__dict__.pop(name, None)
        return super().validate_number(number)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = self.object_list
        if not getattr(queryset, "ordered", False):
            return self._get_page(queryset[bottom:top], number, self)
        # An inexact count is a lower bound: the other end is only known from an exact one.
        reverse = self.count_is_exact and bottom > self.count // 2
        # By group only while each group's read (up to the page's end) stays under the
        # whole count: past that, the CASE sort over every row reads less.
        end = self.count - bottom if reverse else top
        if self.ranked is not None and end * len(self.ranked[1]) <= self.count:
            ids = ranked_ids(queryset, *self.ranked, bottom, top, count=self.count, reverse=reverse)
        elif reverse:
            ids = queryset.reverse().values("pk")[self.count - top : self.count - bottom]
        else:
            ids = queryset.values("pk")[bottom:top]
        return self._get_page(list(queryset.filter(pk__in=ids)), number, self)


def ranked_ids(queryset, field: str, groups: list, bottom: int, top: int, *, count, reverse):
    """The ids of rows [bottom, top) of `queryset` ordered by the groups of `field`, then
    -id, as a subquery: a UNION ALL of each group's first rows (by an index on `field`, id),
    each cut at the page's end, then ordered by group and id. From the other end (`reverse`)
    the groups and the ids run backwards and the offsets count from the last row."""
    if reverse:
        groups, offset, end, direction = groups[::-1], count - top, count - bottom, "ASC"
    else:
        offset, end, direction = bottom, top, "DESC"
    parts, params = [], []
    for rank, value in enumerate(groups):
        part = (
            queryset.filter(**{f"{field}__in": value})
            if isinstance(value, QuerySet | list | tuple)
            else queryset.filter(**{field: value})
        )
        part = part.order_by("pk" if reverse else "-pk").values(page_id=F("pk"))[:end]
        sql, part_params = part.query.sql_with_params()
        # The ORM's own SQL and parameters; the rank is an int.
        parts.append(f"SELECT {rank:d} AS grp, part.page_id FROM ({sql}) part")  # noqa: S608
        params += part_params
    sql = (
        f"SELECT ranked.page_id FROM ({' UNION ALL '.join(parts)}) ranked "  # noqa: S608
        f"ORDER BY ranked.grp, ranked.page_id {direction} LIMIT %s OFFSET %s"
    )
    return RawSQL(sql, [*params, end - offset, offset])  # noqa: S611 (values bound)
