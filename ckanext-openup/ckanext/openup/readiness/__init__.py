"""Harvest readiness inside CKAN: an organisation's feed checked as dataportal.se would harvest it.

``assessment`` turns a check of the feed (``quality/``) into problems per dataset with the form field that
fixes each; ``store`` caches the result per organisation; ``service`` decides between cache, background
job and computing at once.
"""
