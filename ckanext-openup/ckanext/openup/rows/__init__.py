"""Invoice rows in CKAN's DataStore: typed tables loaded from every accepted supplier-invoice file.

``dictionary`` says what each column is (type, labels and descriptions in sv, fi and en), ``reading``
turns a stored file into typed rows, ``loading`` swaps them into the DataStore in one transaction and
``triggers`` decides when (a background job where Redis is, in the request where it is not).
"""
