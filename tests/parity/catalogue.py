"""The parity catalogue: thousands of generated datasets written straight into CKAN's tables.

Swedish, Finnish and English titles and descriptions (plain and as ckanext-scheming fluent fields),
organisations, groups, tags, resources, dates spread over eight years, private, draft and deleted
datasets, harvest sources and the datasets they harvested, and the users whose permission labels
the queries search with. Rows go in with SQLAlchemy Core, so nothing is indexed until the run
indexes them with CKAN's own code. The same seed gives the same catalogue.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import Any

import ckan.model as model

# (name, title, language of its datasets, second language or None)
ORGANISATIONS = [
    ("sundsvall", "Sundsvalls kommun", "sv", None), ("uppsala", "Uppsala kommun", "sv", None),
    ("umea", "Umeå kommun", "sv", None), ("goteborg", "Göteborgs Stad", "sv", None),
    ("malmo", "Malmö stad", "sv", None), ("orebro", "Örebro kommun", "sv", None),
    ("helsinki", "Helsingin kaupunki", "fi", "sv"), ("espoo", "Espoon kaupunki", "fi", "sv"),
    ("tampere", "Tampereen kaupunki", "fi", None), ("oulu", "Oulun kaupunki", "fi", None),
    ("vaasa", "Vaasan kaupunki", "fi", "sv"), ("turku", "Turun kaupunki", "fi", "sv"),
]
GROUPS = ["ekonomi", "miljo", "trafik", "halsa"]
HARVEST_SOURCES = ["harvest-lansstyrelsen", "harvest-avoindata", "harvest-smhi"]
DATASET_TYPES = ["dataset"] * 8 + ["supplier-invoices"] * 2

SUBJECTS = {
    "sv": ["Leverantörsfakturor", "Badplatser", "Vattenkvalitet", "Skolresultat", "Bygglov",
           "Hållplatser för kollektivtrafik", "Befolkningsstatistik", "Avfallshantering", "Cykelvägar",
           "Luftkvalitet", "Förskoleplatser", "Budget och utfall", "Upphandlade avtal", "Laddstolpar",
           "Fakturor", "Inköpsfakturor", "Trafikmätningar", "Lekplatser"],
    "fi": ["Ostolaskut", "Uimarannat", "Veden laatu", "Oppimistulokset", "Rakennusluvat",
           "Joukkoliikenteen pysäkit", "Väestötilastot", "Jätehuolto", "Pyörätiet", "Ilmanlaatu",
           "Päiväkotipaikat", "Talousarvio ja toteuma", "Hankintasopimukset", "Latauspisteet",
           "Laskut", "Hankinnat", "Liikennelaskennat", "Leikkipuistot"],
    "en": ["Supplier invoices", "Bathing sites", "Water quality", "School results", "Building permits",
           "Public transport stops", "Population statistics", "Waste management", "Cycle paths",
           "Air quality", "Preschool places", "Budget and outcome", "Procurement contracts",
           "Charging points", "Invoices", "Purchases", "Traffic counts", "Playgrounds"],
}
SENTENCES = {
    "sv": ["Datamängden publiceras av kommunen som öppna data.",
           "Uppgifterna uppdateras varje månad och omfattar hela kommunen.",
           "Beloppen anges i kronor exklusive moms.",
           "Filen innehåller leverantörens organisationsnummer, fakturadatum och belopp.",
           "Personuppgifter har tagits bort enligt dataskyddsförordningen.",
           "Statistiken bygger på uppgifter från förvaltningarnas verksamhetssystem.",
           "Data om inköp och upphandling redovisas per förvaltning och kvartal."],
    "fi": ["Aineisto julkaistaan kaupungin avoimena datana.",
           "Tiedot päivitetään kuukausittain ja kattavat koko kaupungin.",
           "Summat ilmoitetaan euroina ilman arvonlisäveroa.",
           "Tiedosto sisältää toimittajan Y-tunnuksen, laskun päivämäärän ja summan.",
           "Henkilötiedot on poistettu tietosuoja-asetuksen mukaisesti.",
           "Hankinnat raportoidaan toimialoittain ja vuosineljänneksittäin."],
    "en": ["The dataset is published by the municipality as open data.",
           "The data is updated every month and covers the whole municipality.",
           "Amounts are given excluding value added tax.",
           "The file holds the supplier's organisation number, invoice date and amount.",
           "Personal data has been removed under the data protection regulation.",
           "Purchases are reported per department and quarter."],
}
TAGS = {
    "sv": ["ekonomi", "inköp", "upphandling", "miljö", "vatten", "trafik", "skola", "öppna data", "Hälsa"],
    "fi": ["talous", "hankinnat", "ympäristö", "vesi", "liikenne", "koulutus", "avoin data", "Terveys"],
    "en": ["economy", "procurement", "environment", "water", "traffic", "education", "open data"],
}
FORMATS = ["CSV"] * 5 + ["JSON"] * 2 + ["XLSX"] * 2 + ["PDF", "GeoJSON", "XML", "API", "ZIP", "csv"]
LICENCES = ["cc-by"] * 4 + ["cc-zero"] * 2 + ["odc-odbl", "cc-by-sa", "other-open"]
NAME_PREFIX = "parity-"


@dataclass
class Catalogue:
    """What the generated rows hold, for the query generator to ask about."""

    organisations: dict[str, str] = field(default_factory=dict)  # name -> id
    groups: list[str] = field(default_factory=list)
    harvest_sources: dict[str, str] = field(default_factory=dict)  # name -> id
    users: dict[str, str] = field(default_factory=dict)  # name -> id
    dataset_ids: list[str] = field(default_factory=list)
    dataset_names: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=lambda: list(range(2018, 2027)))
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc).replace(tzinfo=None))


def insert(count: int, seed: int = 13) -> Catalogue:
    """Write ``count`` datasets (plus harvest sources), organisations, groups and users; commit."""
    made, tables = generate(count, seed)
    session = model.Session
    for table, rows in tables:
        session.execute(table.insert(), rows)
    session.commit()
    return made


def generate(count: int, seed: int = 13) -> tuple[Catalogue, list[tuple[Any, list[dict]]]]:
    """The catalogue and the rows of each CKAN table that hold it (not written)."""
    rng = random.Random(seed)
    made = Catalogue()
    now = made.now.replace(second=0, microsecond=0)

    def new_id() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128)))

    groups = []
    for name, title, _, _ in ORGANISATIONS:
        made.organisations[name] = new_id()
        groups.append(_group(made.organisations[name], name, title, True, now))
    for name in GROUPS:
        group_id = new_id()
        made.groups.append(name)
        groups.append(_group(group_id, name, name.capitalize(), False, now))
    group_ids = {row["name"]: row["id"] for row in groups}

    users = [{"id": new_id(), "name": "parity-admin", "sysadmin": True}]
    members = []
    for organisation in ("sundsvall", "helsinki", "vaasa"):
        user = {"id": new_id(), "name": f"parity-editor-{organisation}", "sysadmin": False}
        users.append(user)
        members.append(_member("user", user["id"], made.organisations[organisation], "editor"))
    users.append({"id": new_id(), "name": "parity-visitor", "sysadmin": False})
    for user in users:
        user.update(email=f"{user['name']}@example.org", state="active", password="x", created=now,
                    fullname=user["name"], apikey=None)
        made.users[user["name"]] = user["id"]
    editors = {name.removeprefix("parity-editor-"): user_id for name, user_id in made.users.items()
               if name.startswith("parity-editor-")}

    packages, resources, tags, package_tags = [], [], {}, []
    for source in HARVEST_SOURCES:
        source_id = new_id()
        made.harvest_sources[source] = source_id
        packages.append(_package(source_id, source, f"Harvest source {source}", "", "harvest",
                                 made.organisations["uppsala"], now, now, {"source_type": "dcat_rdf"}))
    for number in range(count):
        organisation, _, language, second = rng.choice(ORGANISATIONS)
        organisation_id = made.organisations[organisation]
        subject_index = rng.randrange(len(SUBJECTS["en"]))
        year = rng.choice(made.years)
        place = organisation.capitalize()
        titles = {code: f"{SUBJECTS[code][subject_index]} {place} {year}"
                  for code in dict.fromkeys([language, second or "en", "en"]) if code}
        notes = {code: " ".join(rng.sample(SENTENCES[code], k=rng.randint(1, 4))) for code in titles}
        modified = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365 * 8), seconds=rng.randint(0, 59))
        created = modified - dt.timedelta(days=rng.randint(0, 900))
        dataset_type = rng.choice(DATASET_TYPES)
        extras: dict[str, str] = {"year": str(year), "update_frequency": rng.choice(["monthly", "yearly"])}
        keywords = {code: rng.sample(TAGS[code], k=rng.randint(1, 3)) for code in titles}
        if dataset_type == "supplier-invoices" or rng.random() < 0.4:
            extras["title_translated"] = json.dumps(titles, ensure_ascii=False)
            extras["notes_translated"] = json.dumps(notes, ensure_ascii=False)
            extras["tags_translated"] = json.dumps(keywords, ensure_ascii=False)
        if rng.random() < 0.3:
            extras["issued_date"] = (created - dt.timedelta(days=rng.randint(0, 400))).date().isoformat()
        if rng.random() < 0.2:
            source = rng.choice(HARVEST_SOURCES)
            extras.update(harvest_source_id=made.harvest_sources[source], harvest_source_title=source,
                          harvest_object_id=new_id())
        state = rng.choices(["active", "draft", "deleted"], weights=[92, 5, 3])[0]
        package_id = new_id()
        name = f"{NAME_PREFIX}{number:05d}-{_slug(titles[language])}"[:100]
        package = _package(package_id, name, titles[language] if rng.random() < 0.97 else "",
                           notes[language], dataset_type, organisation_id if rng.random() < 0.97 else None,
                           created, modified, extras)
        package.update(state=state, private=rng.random() < 0.08, license_id=rng.choice(LICENCES),
                       version=str(year), creator_user_id=editors.get(organisation, users[0]["id"]),
                       author=f"{place} dataenhet", maintainer=rng.choice(["Öppna data", "Avoin data", None]))
        packages.append(package)
        made.dataset_ids.append(package_id)
        made.dataset_names.append(name)
        for position in range(rng.randint(0, 4)):
            file_format = rng.choice(FORMATS)
            resources.append({
                "id": new_id(), "package_id": package_id, "format": file_format, "position": position,
                "url": f"https://{organisation}.example/files/{number}-{position}.{file_format.lower()}",
                "name": f"{SUBJECTS[language][subject_index]} {year} ({file_format})",
                "description": rng.choice(SENTENCES[language]), "state": "active",
                "created": modified, "metadata_modified": modified, "extras": {}})
        for tag in dict.fromkeys(rng.sample(TAGS[language], k=rng.randint(0, 4))):
            tag_id = tags.setdefault(tag, new_id())
            package_tags.append({"id": new_id(), "package_id": package_id, "tag_id": tag_id, "state": "active"})
        owner = package["owner_org"]
        if owner:
            members.append(_member("package", package_id, owner, "organization"))
        for group in rng.sample(GROUPS, k=rng.choice([0, 0, 1, 2])):
            members.append(_member("package", package_id, group_ids[group], "public"))

    made.dataset_ids = [*made.harvest_sources.values(), *made.dataset_ids]
    return made, [
        (model.group_table, groups), (model.user_table, users),
        (model.tag_table, [{"id": tag_id, "name": name} for name, tag_id in tags.items()]),
        (model.package_table, packages), (model.resource_table, resources),
        (model.package_tag_table, package_tags), (model.member_table, members),
    ]


def _group(group_id: str, name: str, title: str, is_organisation: bool, now: dt.datetime) -> dict:
    return {"id": group_id, "name": name, "title": title, "is_organization": is_organisation,
            "type": "organization" if is_organisation else "group", "state": "active",
            "approval_status": "approved", "description": title, "created": now}


def _member(table_name: str, table_id: str, group_id: str, capacity: str) -> dict:
    return {"id": str(uuid.uuid4()), "table_name": table_name, "table_id": table_id, "group_id": group_id,
            "capacity": capacity, "state": "active"}


def _package(package_id: str, name: str, title: str, notes: str, dataset_type: str, owner_org: str | None,
             created: dt.datetime, modified: dt.datetime, extras: dict[str, str]) -> dict:
    return {"id": package_id, "name": name, "title": title, "notes": notes, "type": dataset_type,
            "owner_org": owner_org, "state": "active", "private": False, "license_id": "cc-by",
            "url": f"https://example.org/{name}", "metadata_created": created, "metadata_modified": modified,
            "extras": extras}


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
