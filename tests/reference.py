"""The specification artefacts in ../shared/reference, which CI places beside the checkout.

Only tests read them; the installed package ships its own copies where it needs them.
"""

from pathlib import Path

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
DCAT_AP_SHAPES = REFERENCE / "shacl" / "dcat-ap-3.0.1"
OBLIGATORISKT = REFERENCE / "dcat-ap-se" / "obligatoriskt.rdf"
