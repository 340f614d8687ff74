"""The catalogue a browser test's publisher works in: plugins, settings, password and a one-row month."""

PLUGINS = "openup_search openup scheming_datasets scheming_organizations dcat"
CONFIG = "ckanext.dcat.rdf.profiles = dcat_ap_se"
PASSWORD = "publisher-password-1"
MONTH_FILE = (
    "kopare_id,kopare,verifikationsnummer,leverantor,leverantor_id,konto_nr,konto_text,datum,forvaltning,"
    "fakturanummer,belopp\n"
    "2120002411,Sundsvalls kommun,1001,Åkeriet i Norr AB,5560160680,4010,Förbrukningsmaterial,2025-01-15,"
    "Kulturförvaltningen,F-88,1302.03\n"
)
