"""RDF profiles (ckanext-dcat ``ckan.rdf.profiles`` entry points): mapping between CKAN dicts and DCAT."""
