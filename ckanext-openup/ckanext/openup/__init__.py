"""ckanext-openup: procurement open data for CKAN."""
