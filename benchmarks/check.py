"""Benchmark for ``openup check``: a generated 5,000-dataset DCAT-AP-SE catalogue, checked end to end.

Writes the catalogue as RDF/XML (what dataportal.se reads), times ``openup check`` on it in a fresh
process, and times the alternative, plain pyshacl on the whole graph with the same official shapes,
side by side. The same seed always gives the same catalogue.

    .venv/bin/python benchmarks/check.py                  # 5,000 datasets
    .venv/bin/python benchmarks/check.py --datasets 500 --skip-plain
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import rdflib
from rdflib import RDF, XSD, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
BASE = "https://data.example.se"
FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
MEDIA_TYPE = "http://www.iana.org/assignments/media-types/"
FORMATS = [("CSV", "text/csv"), ("JSON", "application/json"), ("XLSX",
           "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("PDF", "application/pdf")]
KEYWORDS = ["fakturor", "ekonomi", "miljö", "skola", "trafik", "bygg", "vatten", "luft"]
SUBJECTS = ["Leverantörsfakturor", "Badplatser", "Vattenkvalitet", "Bygglov", "Luftkvalitet", "Detaljplaner"]


def generated_catalogue(datasets: int, seed: int = 5) -> rdflib.Graph:
    """A catalogue of ``datasets`` datasets with 1–3 distributions each, mostly complete metadata."""
    rng = random.Random(seed)
    graph = rdflib.Graph()
    catalogue = URIRef(f"{BASE}/organization/bench/catalog")
    publisher = URIRef("http://dataportal.se/organisation/SE2120002411")
    contact = URIRef(f"{BASE}/organization/bench#contact")
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    graph.add((catalogue, DCTERMS.title, Literal("Benchmark-kommunens katalog", lang="sv")))
    graph.add((catalogue, DCTERMS.description, Literal("Genererad katalog", lang="sv")))
    graph.add((catalogue, DCTERMS.publisher, publisher))
    graph.add((catalogue, DCTERMS.license, URIRef("http://creativecommons.org/publicdomain/zero/1.0/")))
    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal("Benchmark kommun", lang="sv")))
    graph.add((publisher, DCTERMS.type, URIRef("http://purl.org/adms/publishertype/LocalAuthority")))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal("Öppna data", lang="sv")))
    graph.add((contact, VCARD.hasEmail, URIRef("mailto:oppnadata@example.se")))
    for number in range(datasets):
        dataset = URIRef(f"{BASE}/dataset/bench-{number}")
        graph.add((catalogue, DCAT.dataset, dataset))
        graph.add((dataset, RDF.type, DCAT.Dataset))
        subject = rng.choice(SUBJECTS)
        graph.add((dataset, DCTERMS.title, Literal(f"{subject} {number}", lang="sv")))
        graph.add((dataset, DCTERMS.description, Literal(f"{subject} i kommunen, del {number}", lang="sv")))
        graph.add((dataset, DCTERMS.identifier, Literal(f"bench-{number}")))
        graph.add((dataset, DCTERMS.publisher, publisher))
        graph.add((dataset, DCAT.contactPoint, contact))
        # Varied structure, as in real catalogues: 1–4 keywords, some optional properties.
        for keyword in rng.sample(KEYWORDS, rng.randint(1, 4)):
            graph.add((dataset, DCAT.keyword, Literal(keyword, lang="sv")))
        if rng.random() < 0.3:
            graph.add((dataset, DCTERMS.modified, Literal("2024-06-01", datatype=XSD.date)))
        if rng.random() < 0.8:
            graph.add((dataset, DCAT.theme, URIRef("http://publications.europa.eu/resource/authority/data-theme/GOVE")))
        graph.add((dataset, DCTERMS.issued, Literal("2024-01-01", datatype=XSD.date)))
        if rng.random() < 0.5:
            graph.add((dataset, DCTERMS.accessRights,
                       URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")))
        for part in range(rng.randint(1, 3)):
            distribution = URIRef(f"{BASE}/dataset/bench-{number}/resource/{part}")
            code, media = rng.choice(FORMATS)
            graph.add((dataset, DCAT.distribution, distribution))
            graph.add((distribution, RDF.type, DCAT.Distribution))
            graph.add((distribution, DCAT.accessURL, URIRef(f"{BASE}/files/{number}-{part}.{code.lower()}")))
            graph.add((distribution, DCAT.downloadURL, URIRef(f"{BASE}/files/{number}-{part}.{code.lower()}")))
            graph.add((distribution, DCTERMS.format, URIRef(FILE_TYPE + code)))
            graph.add((distribution, DCAT.mediaType, URIRef(MEDIA_TYPE + media)))
            graph.add((distribution, DCTERMS.license, URIRef("http://creativecommons.org/licenses/by/4.0/")))
            if rng.random() < 0.5:
                graph.add((distribution, DCTERMS.title, Literal(f"{subject} {part}", lang="sv")))
            if rng.random() < 0.7:
                graph.add((distribution, DCAT.byteSize, Literal(rng.randint(1000, 10**7), datatype=XSD.decimal)))
    return graph


def plain_pyshacl(path: Path) -> tuple[float, int]:
    """Seconds and result count for pyshacl on the whole graph, the shipped official shapes."""
    import pyshacl

    from ckanext.openup.quality.shacl import official_shapes

    started = time.perf_counter()
    data = rdflib.Graph().parse(path, format="xml")
    _, report, _ = pyshacl.validate(data, shacl_graph=official_shapes(), inference="none", allow_warnings=True)
    results = len(set(report.subjects(RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#ValidationResult"))))
    return time.perf_counter() - started, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", type=int, default=5000)
    parser.add_argument("--skip-plain", action="store_true", help="leave out plain pyshacl on the whole graph")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "catalog.rdf"
        started = time.perf_counter()
        generated_catalogue(arguments.datasets).serialize(path, format="xml")
        print(f"catalogue: {arguments.datasets} datasets, {path.stat().st_size / 1e6:.1f} MB RDF/XML "
              f"(written in {time.perf_counter() - started:.1f} s)")
        openup = str(Path(sys.executable).with_name("openup"))
        started = time.perf_counter()
        run = subprocess.run([openup, "check", "--json", str(path)], capture_output=True, text=True)
        check_seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"openup check (exit {run.returncode}): {check_seconds:.1f} s, peak memory {peak:.0f} MB")
        if run.returncode not in (0, 1):
            print(run.stderr[-2000:])
        else:
            report = json.loads(run.stdout)
            steps = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in report["seconds"].items())
            print(f"  of which {steps}; start-up, scoring and output the rest")
            print(f"  {report['shacl']['violations']} SHACL violations, {report['shacl']['warnings']} warnings; "
                  f"MQA {report['mqa']['points']} / 405")
        if not arguments.skip_plain:
            seconds, results = plain_pyshacl(path)
            print(f"plain pyshacl, whole graph: {seconds:.1f} s ({results} results)")


if __name__ == "__main__":
    main()
