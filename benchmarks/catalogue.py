"""A generated municipal catalogue for the search benchmark: Swedish and Finnish datasets in CKAN's tables.

Rows go straight into CKAN's tables with SQLAlchemy Core (no actions, no ORM events), so the
datasets exist without being indexed; the benchmark then indexes them with CKAN's own indexing code.
The same seed always gives the same catalogue.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
import uuid
from dataclasses import dataclass

import ckan.model as model

NAME_PREFIX = "bench-"
ORGANISATIONS = [
    ("sundsvall", "Sundsvalls kommun"), ("uppsala", "Uppsala kommun"), ("umea", "Umeå kommun"),
    ("lulea", "Luleå kommun"), ("goteborg", "Göteborgs Stad"), ("malmo", "Malmö stad"),
    ("linkoping", "Linköpings kommun"), ("orebro", "Örebro kommun"), ("vasteras", "Västerås stad"),
    ("helsingborg", "Helsingborgs stad"), ("norrkoping", "Norrköpings kommun"),
    ("jonkoping", "Jönköpings kommun"), ("lund", "Lunds kommun"), ("gavle", "Gävle kommun"),
    ("karlstad", "Karlstads kommun"), ("vaxjo", "Växjö kommun"), ("halmstad", "Halmstads kommun"),
    ("skelleftea", "Skellefteå kommun"), ("ostersund", "Östersunds kommun"), ("kiruna", "Kiruna kommun"),
    ("helsinki", "Helsingin kaupunki"), ("espoo", "Espoon kaupunki"), ("tampere", "Tampereen kaupunki"),
    ("vantaa", "Vantaan kaupunki"), ("oulu", "Oulun kaupunki"), ("turku", "Turun kaupunki"),
    ("jyvaskyla", "Jyväskylän kaupunki"), ("kuopio", "Kuopion kaupunki"), ("lahti", "Lahden kaupunki"),
    ("vaasa", "Vaasan kaupunki"),
]
_SWEDISH_SUBJECTS = [
    "Leverantörsfakturor", "Badplatser", "Vattenkvalitet", "Skolresultat", "Bygglov",
    "Hållplatser för kollektivtrafik", "Befolkningsstatistik", "Avfallshantering", "Cykelvägar",
    "Luftkvalitet", "Elförbrukning i kommunala fastigheter", "Förskoleplatser", "Parkeringsautomater",
    "Offentliga toaletter", "Detaljplaner", "Gatubelysning", "Budget och utfall", "Upphandlade avtal",
    "Kostnader för äldreomsorg", "Biblioteksutlån", "Laddstolpar", "Trafikmätningar", "Lekplatser",
]
_FINNISH_SUBJECTS = [
    "Ostolaskut", "Uimarannat", "Veden laatu", "Oppimistulokset", "Rakennusluvat",
    "Joukkoliikenteen pysäkit", "Väestötilastot", "Jätehuolto", "Pyörätiet", "Ilmanlaatu",
    "Kiinteistöjen sähkönkulutus", "Päiväkotipaikat", "Pysäköintiautomaatit", "Asemakaavat",
    "Katuvalaistus", "Talousarvio ja toteuma", "Hankintasopimukset", "Kirjastolainat",
    "Latauspisteet", "Liikennelaskennat", "Leikkipuistot",
]
_SWEDISH_SENTENCES = [
    "Datamängden publiceras av kommunen som öppna data.",
    "Uppgifterna uppdateras varje månad och omfattar hela kommunen.",
    "Beloppen anges i kronor exklusive moms.",
    "Mätvärdena kommer från kommunens egna provtagningar under badsäsongen.",
    "Filen innehåller leverantörens organisationsnummer, fakturadatum och belopp.",
    "Personuppgifter har tagits bort enligt dataskyddsförordningen.",
    "Geografiska koordinater anges i SWEREF 99 TM.",
    "Statistiken bygger på uppgifter från förvaltningarnas verksamhetssystem.",
    "Data om inköp och upphandling redovisas per förvaltning och kvartal.",
]
_FINNISH_SENTENCES = [
    "Aineisto julkaistaan kaupungin avoimena datana.",
    "Tiedot päivitetään kuukausittain ja kattavat koko kaupungin.",
    "Summat ilmoitetaan euroina ilman arvonlisäveroa.",
    "Mittaukset perustuvat kaupungin omiin näytteisiin uimakauden aikana.",
    "Tiedosto sisältää toimittajan Y-tunnuksen, laskun päivämäärän ja summan.",
    "Henkilötiedot on poistettu tietosuoja-asetuksen mukaisesti.",
    "Koordinaatit ilmoitetaan ETRS-TM35FIN-koordinaatistossa.",
    "Hankinnat raportoidaan toimialoittain ja vuosineljänneksittäin.",
]
_SWEDISH_TAGS = ["ekonomi", "inköp", "upphandling", "miljö", "vatten", "trafik", "skola", "bygg",
                 "hälsa", "statistik", "kultur", "energi", "avfall", "befolkning", "kartor"]
_FINNISH_TAGS = ["talous", "hankinnat", "ympäristö", "vesi", "liikenne", "koulutus", "rakentaminen",
                 "terveys", "tilastot", "kulttuuri", "energia", "jätteet", "väestö", "kartat"]
_FORMATS = ["CSV"] * 6 + ["JSON"] * 3 + ["XLSX"] * 3 + ["PDF"] * 2 + ["GeoJSON", "XML", "API", "ZIP", "WMS"]
_LICENCES = ["cc-by"] * 5 + ["cc-zero"] * 3 + ["odc-odbl", "cc-by-sa", "other-open"]
_YEARS = list(range(2015, 2027))


@dataclass(frozen=True)
class CatalogueSize:
    datasets: int
    organisations: int
    resources: int
    tags: int


def existing_datasets() -> int:
    """How many generated datasets the database holds."""
    return model.Session.query(model.Package).filter(model.Package.name.like(f"{NAME_PREFIX}%")).count()


def dataset_ids() -> list[str]:
    rows = model.Session.query(model.Package.id).filter(model.Package.name.like(f"{NAME_PREFIX}%"))
    return [row[0] for row in rows.order_by(model.Package.name)]


def insert(count: int, seed: int = 2026) -> CatalogueSize:
    """Insert ``count`` generated datasets, their resources and tags and 30 organisations.

    Expects a catalogue without them (see :func:`delete`).
    """
    rng = random.Random(seed)
    now = dt.datetime(2026, 11, 1, 12, 0, 0)
    organisations = [{
        "id": str(uuid.UUID(int=rng.getrandbits(128))), "name": name, "title": title,
        "type": "organization", "is_organization": True, "state": "active", "approval_status": "approved",
        "description": f"Öppna data från {title}.",
        "created": now - dt.timedelta(days=3000),
    } for name, title in ORGANISATIONS]
    tags = {name: str(uuid.UUID(int=rng.getrandbits(128))) for name in _SWEDISH_TAGS + _FINNISH_TAGS}
    packages, resources, package_tags = [], [], []
    for number in range(count):
        organisation = rng.choice(organisations)
        finnish = organisation["title"].endswith("kaupunki")
        subject = rng.choice(_FINNISH_SUBJECTS if finnish else _SWEDISH_SUBJECTS)
        year = rng.choice(_YEARS)
        place = organisation["title"].split()[0]
        title = f"{subject} {place} {year}" if rng.random() < 0.7 else f"{subject} {year}"
        sentences = _FINNISH_SENTENCES if finnish else _SWEDISH_SENTENCES
        notes = " ".join(rng.sample(sentences, k=rng.randint(2, 5)))
        modified = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 8))
        package_id = str(uuid.UUID(int=rng.getrandbits(128)))
        packages.append({
            "id": package_id, "name": f"{NAME_PREFIX}{number:05d}-{_slug(title)}"[:100], "title": title,
            "notes": notes, "license_id": rng.choice(_LICENCES), "type": "dataset",
            "owner_org": organisation["id"], "state": "active", "private": rng.random() < 0.05,
            "author": f"{place} dataenhet", "maintainer": "Öppna data-gruppen" if not finnish else "Avoin data",
            "maintainer_email": f"opendata@{organisation['name']}.example", "version": str(year),
            "url": f"https://{organisation['name']}.example/data/{number}",
            "metadata_created": modified - dt.timedelta(days=rng.randint(0, 900)),
            "metadata_modified": modified,
            "extras": {"spatial_coverage": place, "update_frequency": rng.choice(["monthly", "yearly"])},
        })
        for position in range(rng.randint(1, 5)):
            file_format = rng.choice(_FORMATS)
            resources.append({
                "id": str(uuid.UUID(int=rng.getrandbits(128))), "package_id": package_id,
                "url": f"https://{organisation['name']}.example/files/{number}-{position}.{file_format.lower()}",
                "format": file_format, "name": f"{subject} {year} ({file_format})",
                "description": rng.choice(sentences), "position": position, "state": "active",
                "created": modified, "metadata_modified": modified,
            })
        vocabulary = _FINNISH_TAGS if finnish else _SWEDISH_TAGS
        for tag in rng.sample(vocabulary, k=rng.randint(1, 5)):
            package_tags.append({"id": str(uuid.UUID(int=rng.getrandbits(128))), "package_id": package_id,
                                 "tag_id": tags[tag], "state": "active"})
    session = model.Session
    session.execute(model.group_table.insert(), organisations)
    session.execute(model.tag_table.insert(), [{"id": tag_id, "name": name} for name, tag_id in tags.items()])
    session.execute(model.package_table.insert(), packages)
    session.execute(model.resource_table.insert(), resources)
    session.execute(model.package_tag_table.insert(), package_tags)
    session.execute(model.member_table.insert(), [{
        "id": str(uuid.uuid4()), "table_name": "package", "table_id": package["id"],
        "capacity": "organization", "group_id": package["owner_org"], "state": "active",
    } for package in packages])
    session.commit()
    return CatalogueSize(len(packages), len(organisations), len(resources), len(tags))


def delete() -> None:
    """Remove every CKAN row (the generated catalogue included); the search index is cleared apart."""
    model.repo.delete_all()
    model.Session.remove()


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
