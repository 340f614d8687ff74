"""Harvest readiness: the project's SHACL shapes for DCAT-AP-SE (shapes/) and, later, MQA scoring."""

from importlib.resources import files

DCAT_AP_SE_SHAPES = files(__name__) / "shapes" / "dcat-ap-se.ttl"
