"""The OpenAPI 3.0 documents, declared as data. No Flask here.

* ``app_api.api_document(server_url)``: ONE document for every public endpoint under ``/api/``
  (and ``/healthz``), served at ``/api/openapi.json`` with an HTML page at ``/api/docs``.
* ``ogc_api.ogc_document(base_url, collections, lang)``: the OGC API - Features endpoints under
  ``/ogc`` (the standard's ``service-desc``), one path per collection.

Both are built from ``oas`` (the shared OpenAPI 3.0 building blocks) and ``model`` (the
project data model as Schema and Parameter Objects); ``docs`` turns either document into
the rows of the HTML documentation pages.

tests/test_openapi.py fails when a route of the app under /api/ is not in the document,
and validates both documents with openapi-spec-validator.
"""
