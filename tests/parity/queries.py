"""Generated package_search calls: what CKAN, ckanext-dcat, ckanext-harvest and ckanext-openup send.

Each :class:`Query` is one ``package_search`` call as one kind of user. The mix follows the callers:
the /dataset page (dismax free text, ``fq`` from the chosen facets, four to six facets, a sort), the
organisation and group pages, the API (Lucene syntax, ranges with ``NOW``), ckanext-dcat's catalogue
(``metadata_modified desc``, ``fq_list`` without harvest sources, ``modified_since``), ckanext-harvest
(``+dataset_type:harvest``, ``+harvest_source_id:"..."``) and this extension (readiness, feeds,
spending: ``owner_org:"..."``, ``include_private``/``include_drafts``, ``name asc``, ``facet.limit -1``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.parity.catalogue import GROUPS, LICENCES, ORGANISATIONS, SUBJECTS, TAGS, Catalogue

FACETS = ["organization", "groups", "tags", "res_format", "license_id", "dataset_type"]
# Who asks: anonymous, a signed-in visitor, an organisation's editor, a sysadmin, and code with ignore_auth.
ASKERS = ["anonymous"] * 5 + ["parity-visitor", "parity-editor-sundsvall", "parity-editor-helsinki",
                              "parity-admin", "ignore_auth"]
SORTS = ["metadata_modified desc", "metadata_modified asc", "metadata_created desc", "name asc", "name desc",
         "title_string asc", "title_string desc", "score desc, metadata_modified desc", "score desc, name asc"]
FIELD_SORTS = [sort for sort in SORTS if "score" not in sort]
FREE_WORDS = [
    "faktura", "fakturor", "leverantörsfakturor", "leverantörsfaktura", "inköp", "upphandling", "kommun",
    "lasku", "laskut", "ostolaskut", "ostolaskuja", "hankinnat", "kaupunki", "kaupungin",
    "invoice", "invoices", "supplier", "purchases", "water", "quality", "statistics",
    "vatten", "vattenkvalitet", "badplatser", "uimarannat", "budget", "talousarvio",
    "sundsvall", "Helsinki", "Vaasa", "tampere", "2021", "2024", "csv", "öppna", "data", "avoin",
    "och", "ja", "the", "of", "xyzzy", "moms", "euroina", "kronor",
]
PHRASES = ['"Water quality"', '"öppna data"', '"Budget och utfall"', '"veden laatu"', '"supplier invoices"',
           '"open data"', '"kaupungin avoimena datana"', '"data från"']
DATE_BOUNDS = ["NOW", "NOW-1YEAR", "NOW-6MONTHS/MONTH", "NOW/DAY-30DAYS", "NOW-2YEARS/YEAR", "NOW+1DAY",
               "2020-01-01T00:00:00Z", "2022-06-15T12:00:00Z", "2024-01-01T00:00:00Z", "*"]


@dataclass(frozen=True)
class Query:
    """One package_search call: its parameters, who asks, and the caller it imitates."""

    category: str
    params: dict[str, Any]
    asker: str = "anonymous"
    notes: tuple[str, ...] = field(default=())


class QueryGenerator:
    """Makes a reproducible stream of queries about a generated :class:`Catalogue`."""

    def __init__(self, made: Catalogue, seed: int = 2026) -> None:
        self.made = made
        self.rng = random.Random(seed)
        self.kinds: list[tuple[int, Callable[[], Query]]] = [
            (22, self.dataset_page), (12, self.fielded_q), (10, self.filters), (8, self.date_ranges),
            (6, self.organisation_page), (4, self.group_page), (6, self.dcat_catalogue), (5, self.harvest),
            (7, self.openup_extension), (8, self.facet_counts), (6, self.paging), (6, self.wildcards),
            (3, self.bad_queries),
        ]

    def generate(self, count: int) -> list[Query]:
        weights = [weight for weight, _ in self.kinds]
        makers = [maker for _, maker in self.kinds]
        return [self.rng.choices(makers, weights)[0]() for _ in range(count)]

    # -- pieces -----------------------------------------------------------------------------------

    def _organisation(self) -> str:
        return self.rng.choice(ORGANISATIONS)[0]

    def _tag(self) -> str:
        return self.rng.choice(TAGS[self.rng.choice(list(TAGS))])

    def _title_word(self) -> str:
        words = self.rng.choice(SUBJECTS[self.rng.choice(list(SUBJECTS))]).split()
        return self.rng.choice([word for word in words if len(word) > 3] or words).lower()

    def _free_text(self) -> str:
        rng = self.rng
        parts = []
        for _ in range(rng.choices([1, 2, 3, 4, 6], [35, 30, 15, 10, 10])[0]):
            part = rng.choice(FREE_WORDS) if rng.random() < 0.75 else self._title_word()
            if rng.random() < 0.12:
                part = rng.choice(PHRASES)
            sign = rng.choices(["", "+", "-"], [85, 8, 7])[0]
            parts.append(sign + part)
        return " ".join(parts)

    def _facet_filter(self) -> str:
        """A clause of the /dataset page's ``fq`` (CKAN writes ``field:"value"``)."""
        rng = self.rng
        choice = rng.randrange(6)
        if choice == 0:
            return f'organization:"{self._organisation()}"'
        if choice == 1:
            return f'tags:"{self._tag()}"'
        if choice == 2:
            return f'res_format:"{rng.choice(["CSV", "JSON", "XLSX", "PDF", "csv"])}"'
        if choice == 3:
            return f'license_id:"{rng.choice(LICENCES)}"'
        if choice == 4:
            return f'groups:"{rng.choice(GROUPS)}"'
        return f'dataset_type:"{rng.choice(["dataset", "supplier-invoices"])}"'

    def _fielded(self) -> str:
        rng = self.rng
        year = rng.choice(self.made.years)
        options = [
            lambda: f"name:{rng.choice(self.made.dataset_names)}",
            lambda: f"tags:{self._tag()!r}".replace("'", '"'),
            lambda: f"organization:{self._organisation()}",
            lambda: f"res_format:{rng.choice(['CSV', 'JSON', 'PDF', 'csv'])}",
            lambda: f"license_id:{rng.choice(LICENCES)}",
            lambda: f"title:{self._title_word()}",
            lambda: f"notes:{rng.choice(['kommunen', 'kaupungin', 'municipality', 'moms', 'data'])}",
            lambda: f"groups:{rng.choice(GROUPS)}",
            lambda: f"dataset_type:{rng.choice(['dataset', 'supplier-invoices', 'harvest'])}",
            lambda: f"year:{year}",
            lambda: f"extras_year:{year}",
            lambda: f"extras_update_frequency:{rng.choice(['monthly', 'yearly'])}",
            lambda: f"version:{year}",
            lambda: f"text:{rng.choice(FREE_WORDS)}",
            lambda: f'title:"{rng.choice(SUBJECTS["en"])}"',
            lambda: f"res_name:{self._title_word()}",
            lambda: "harvest_source_id:*",
            lambda: "issued_date:[* TO *]",
            lambda: f"capacity:{rng.choice(['public', 'private'])}",
            lambda: f"metadata_modified:[{self._date()} TO {self._date()}]",
        ]
        return rng.choice(options)()

    def _boolean(self) -> str:
        rng = self.rng
        left, right = self._fielded(), self._fielded()
        shape = rng.randrange(7)
        if shape == 0:
            return f"{left} AND {right}"
        if shape == 1:
            return f"{left} OR {right}"
        if shape == 2:
            return f"{left} AND NOT {right}"
        if shape == 3:
            return f"({left} OR {right}) AND {self._fielded()}"
        if shape == 4:
            return f"+{left} -{right}"
        if shape == 5:
            return f"-{left}"
        return f"{left} {right}"

    def _date(self) -> str:
        return self.rng.choice(DATE_BOUNDS)

    def _asker(self) -> tuple[str, dict[str, Any]]:
        asker = self.rng.choice(ASKERS)
        extra: dict[str, Any] = {}
        if asker != "anonymous" and self.rng.random() < 0.7:
            extra["include_private"] = True
        if asker != "anonymous" and self.rng.random() < 0.4:
            extra["include_drafts"] = True
        return asker, extra

    def _sort(self, field_only: bool = False) -> dict[str, Any]:
        if not field_only and self.rng.random() < 0.3:
            return {}
        return {"sort": self.rng.choice(FIELD_SORTS if field_only else SORTS)}

    # -- the callers ------------------------------------------------------------------------------

    def dataset_page(self) -> Query:
        """CKAN's /dataset page: free text, the chosen facets as ``fq``, the page's facets and a sort."""
        rng = self.rng
        params: dict[str, Any] = {"q": self._free_text() if rng.random() < 0.85 else "",
                                  "facet.field": FACETS[:4], "rows": 20,
                                  "start": rng.choice([0, 0, 0, 20, 40]), **self._sort()}
        chosen = [self._facet_filter() for _ in range(rng.choice([0, 0, 1, 1, 2]))]
        params["fq"] = " ".join(chosen)
        if rng.random() < 0.15:
            params["mm"] = rng.choice(["1", "2", "100%", "50%", "2<-1 5<80%", "-1"])
        asker, extra = self._asker()
        return Query("dataset page (dismax free text)", {**params, **extra}, asker)

    def fielded_q(self) -> Query:
        q = self._boolean() if self.rng.random() < 0.5 else self._fielded()
        asker, extra = self._asker()
        return Query("API q (Lucene syntax)", {"q": q, "rows": self.rng.choice([10, 50, 1000]),
                                               **self._sort(), **extra}, asker)

    def filters(self) -> Query:
        rng = self.rng
        params: dict[str, Any] = {"q": rng.choice(["", "*:*", self._free_text()]), "rows": 100, **self._sort()}
        if rng.random() < 0.5:
            params["fq"] = " ".join(f"+{self._fielded()}" for _ in range(rng.randint(1, 3)))
        else:
            params["fq_list"] = [self._boolean() if rng.random() < 0.3 else self._fielded()
                                 for _ in range(rng.randint(1, 3))]
        asker, extra = self._asker()
        return Query("API fq and fq_list", {**params, **extra}, asker)

    def date_ranges(self) -> Query:
        rng = self.rng
        field_name = rng.choice(["metadata_modified", "metadata_created", "issued_date"])
        low, high = self._date(), self._date()
        brackets = rng.choice(["[]", "{}", "[}", "{]"])
        clause = f"{field_name}:{brackets[0]}{low} TO {high}{brackets[1]}"
        where = rng.choice(["q", "fq"])
        params = {where: clause, "rows": 1000, **self._sort(field_only=True)}
        return Query("date ranges with NOW", params, "anonymous")

    def organisation_page(self) -> Query:
        rng = self.rng
        organisation_id = self.made.organisations[self._organisation()]
        params = {"q": self._free_text() if rng.random() < 0.3 else "", "fq": f'owner_org:"{organisation_id}"',
                  "facet.field": FACETS[:4], "rows": 20, "start": rng.choice([0, 20]),
                  "include_private": True, **self._sort()}
        asker = rng.choice(["anonymous", "parity-editor-sundsvall", "parity-editor-helsinki", "parity-admin"])
        return Query("organisation page", params, asker)

    def group_page(self) -> Query:
        rng = self.rng
        params = {"q": self._free_text() if rng.random() < 0.3 else "",
                  "fq": f'groups:"{rng.choice(GROUPS)}"', "facet.field": FACETS[:4], "rows": 20,
                  **self._sort()}
        return Query("group page", params, rng.choice(["anonymous", "parity-visitor"]))

    def dcat_catalogue(self) -> Query:
        """ckanext-dcat's catalogue endpoint (``_search_ckan_datasets``)."""
        rng = self.rng
        fq_list = ["-dataset_type:harvest", "-dataset_type:showcase"]
        if rng.random() < 0.5:
            since = rng.choice(["2019-01-01T00:00:00Z", "2023-06-30T00:00:00Z", "2026-01-01T00:00:00Z"])
            fq_list.append(f"metadata_modified:[{since} TO NOW]")
        page = rng.choice([1, 1, 2, 5])
        params = {"q": rng.choice(["*:*", "*:*", self._free_text(), self._fielded()]),
                  "fq": rng.choice([None, self._facet_filter()]), "fq_list": fq_list, "rows": 100,
                  "start": 100 * (page - 1), "sort": "metadata_modified desc"}
        return Query("ckanext-dcat catalogue", params, "anonymous")

    def harvest(self) -> Query:
        rng = self.rng
        source_id = rng.choice(list(self.made.harvest_sources.values()))
        params = rng.choice([
            {"fq": "+dataset_type:harvest", "rows": 1000},
            {"fq": f'+harvest_source_id:"{source_id}"', "rows": rng.choice([0, 5, 1000]),
             "sort": "metadata_modified desc"},
            {"q": f'harvest_source_id:"{source_id}"', "fq": "+dataset_type:dataset", "rows": 100},
            {"fq": f"+harvest_source_title:{rng.choice(list(self.made.harvest_sources))}", "rows": 100},
        ])
        asker = rng.choice(["ignore_auth", "parity-admin"])
        return Query("ckanext-harvest", {**params, "include_private": True}, asker)

    def openup_extension(self) -> Query:
        """Readiness, feeds, publishing and spending queries of this extension."""
        rng = self.rng
        organisation_id = self.made.organisations[self._organisation()]
        params = rng.choice([
            {"fq": f'owner_org:"{organisation_id}"', "fq_list": ["-dataset_type:harvest", "-dataset_type:showcase"],
             "include_private": True, "include_drafts": True, "sort": "name asc", "rows": 100,
             "start": rng.choice([0, 100])},
            {"fq": f'+dataset_type:supplier-invoices +owner_org:"{organisation_id}"', "include_private": True,
             "include_drafts": True, "sort": "name asc", "rows": 100},
            {"fq": f'owner_org:"{organisation_id}" AND dataset_type:"supplier-invoices"',
             "include_private": True, "include_drafts": True, "rows": 1000},
            {"rows": 0, "facet.field": ["organization"], "facet.limit": -1, "include_private": False},
        ])
        return Query("ckanext-openup", params, rng.choice(["ignore_auth", "parity-admin", "anonymous"]))

    def facet_counts(self) -> Query:
        rng = self.rng
        params: dict[str, Any] = {"q": rng.choice(["", self._free_text(), self._fielded()]),
                                  "facet.field": rng.sample(FACETS, k=rng.randint(1, len(FACETS))),
                                  "rows": rng.choice([0, 10])}
        if rng.random() < 0.6:
            params["facet.limit"] = rng.choice([-1, 1, 2, 3, 5, 10, 50])
        if rng.random() < 0.5:
            params["facet.mincount"] = rng.choice([1, 2, 5, 20, 100])
        asker, extra = self._asker()
        return Query("facets with limit and mincount", {**params, **extra}, asker)

    def paging(self) -> Query:
        rng = self.rng
        params = {"q": rng.choice(["", "*:*", self._fielded()]), "rows": rng.choice([1, 5, 10, 25, 100]),
                  "start": rng.choice([0, 1, 7, 50, 300, 2000, 100000]), **self._sort(field_only=True)}
        asker, extra = self._asker()
        return Query("rows and start paging", {**params, **extra}, asker)

    def wildcards(self) -> Query:
        rng = self.rng
        number = rng.randrange(len(self.made.dataset_names))
        q = rng.choice([
            f"name:{self.made.dataset_names[number][:11]}*", f"name:parity-0{number % 10}?{number % 7}*",
            f"title:{self._title_word()[:4]}*", f"tags:{self._tag()[:3]}*", "name:*invoices*",
            f"organization:{self._organisation()[:3]}*", f"res_format:{rng.choice(['C', 'J', 'X'])}*",
            f"text:{rng.choice(['fakt', 'lask', 'invoi', 'vatt'])}*",
        ])
        return Query("wildcards", {"q": q, "rows": 1000, **self._sort(field_only=True)}, "anonymous")

    def bad_queries(self) -> Query:
        """Input a user can type: both backends must refuse the same ones."""
        rng = self.rng
        params = rng.choice([
            {"q": "title:(budget"}, {"q": "metadata_modified:[NOW-1FOO TO NOW]"}, {"q": "name:parity AND"},
            {"fq": "metadata_created:[2020-13-45 TO *]"}, {"sort": "name sideways"}, {"sort": "tags asc"},
            {"q": "title:budget)"}, {"q": '"unclosed phrase'}, {"fq": "+views_recent:[ten TO *]"},
            {"q": "((("}, {"fq": "organization:"}, {"sort": "title asc"},
        ])
        return Query("queries to refuse", {**params, "rows": 10}, "anonymous")
