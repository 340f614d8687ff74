"""CKAN search served by PostgreSQL.

CKAN talks to its search engine only through ``ckan.lib.search.common.make_connection()``,
a ``pysolr.Solr``. :mod:`.backend` swaps that one seam for :class:`.connection.PostgresSearchConnection`,
which understands the Solr parameters CKAN sends and answers in pysolr's shapes, so all of CKAN's own
search logic (permission labels, plugin hooks, facets) keeps running unchanged.
"""
