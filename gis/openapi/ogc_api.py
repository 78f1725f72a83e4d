"""The OGC API - Features endpoints under ``/ogc`` as an OpenAPI 3.0 document (the
standard's ``service-desc``): ``ogc_document(base_url, collections, lang)``, one path per
collection.
"""
from __future__ import annotations

import copy

from gis.openapi import app_api
from gis.openapi.model import codelist_param
from gis.openapi.oas import OAS_VERSION, OPENAPI_JSON, ref


def _ogc_json(schema_: dict, description: str, media: str = "application/json") -> dict:
    return {"description": description, "content": {media: {"schema": schema_},
                                                    "text/html": {"schema": {"type": "string"}}}}


OGC_SCHEMAS = {
    "exception": {"type": "object", "required": ["code"], "properties": {
        "code": {"type": "string"}, "description": {"type": "string"}}},
    "link": {"type": "object", "required": ["href"], "properties": {
        "href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"},
        "hreflang": {"type": "string"}, "title": {"type": "string"}, "length": {"type": "integer"}}},
    "landingPage": {"type": "object", "required": ["links"], "properties": {
        "title": {"type": "string"}, "description": {"type": "string"},
        "links": {"type": "array", "items": ref("schemas", "link")}}},
    "confClasses": {"type": "object", "required": ["conformsTo"], "properties": {
        "conformsTo": {"type": "array", "items": {"type": "string"}}}},
    "extent": {"type": "object", "properties": {
        "spatial": {"type": "object", "properties": {
            "bbox": {"type": "array", "minItems": 1, "items": {
                "type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}},
            "crs": {"type": "string"}}},
        "temporal": {"type": "object", "properties": {
            "interval": {"type": "array", "minItems": 1, "items": {
                "type": "array", "minItems": 2, "maxItems": 2,
                "items": {"type": "string", "format": "date-time", "nullable": True}}},
            "trs": {"type": "string"}}}}},
    "collection": {"type": "object", "required": ["id", "links"], "properties": {
        "id": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
        "links": {"type": "array", "items": ref("schemas", "link")},
        "extent": ref("schemas", "extent"),
        "itemType": {"type": "string"}, "crs": {"type": "array", "items": {"type": "string"}}}},
    "collections": {"type": "object", "required": ["links", "collections"], "properties": {
        "links": {"type": "array", "items": ref("schemas", "link")},
        "collections": {"type": "array", "items": ref("schemas", "collection")}}},
    "geometryGeoJSON": {"type": "object", "required": ["type"], "properties": {
        "type": {"type": "string", "enum": ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                                            "MultiPolygon", "GeometryCollection"]}}},
    "featureGeoJSON": {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "geometry": ref("schemas", "geometryGeoJSON"),
        "properties": {"type": "object", "nullable": True},
        "links": {"type": "array", "items": ref("schemas", "link")}}},
    "featureCollectionGeoJSON": {"type": "object", "required": ["type", "features"], "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": ref("schemas", "featureGeoJSON")},
        "links": {"type": "array", "items": ref("schemas", "link")},
        "timeStamp": {"type": "string", "format": "date-time"},
        "numberMatched": {"type": "integer", "minimum": 0},
        "numberReturned": {"type": "integer", "minimum": 0}}},
}


def _ogc_parameters() -> dict:
    from gis import ogc

    return {
        "f": {"name": "f", "in": "query", "required": False, "style": "form", "explode": False,
              "description": "The format of the response: json (GeoJSON for features) or html. Without it the "
                             "Accept header decides (JSON by default).",
              "schema": {"type": "string", "enum": ["json", "html"]}},
        "lang": app_api.API_COMPONENTS["parameters"]["lang"],
        "bbox": {"name": "bbox", "in": "query", "required": False, "style": "form", "explode": False,
                 "description": "Only features whose geometry intersects the box: minlon,minlat,maxlon,maxlat "
                                "in CRS84 (6 numbers with heights are accepted; heights are ignored).",
                 "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}},
        "limit": {"name": "limit", "in": "query", "required": False, "style": "form", "explode": False,
                  "description": f"Features per page: default {ogc.DEFAULT_LIMIT}, at most {ogc.MAX_LIMIT}; "
                                 f"a larger value is treated as {ogc.MAX_LIMIT}. Follow the next links.",
                  "schema": {"type": "integer", "minimum": 1, "maximum": ogc.MAX_LIMIT,
                             "default": ogc.DEFAULT_LIMIT}},
        "offset": {"name": "offset", "in": "query", "required": False, "style": "form", "explode": False,
                   "description": "Features to skip (the next/prev links carry it).",
                   "schema": {"type": "integer", "minimum": 0, "default": 0}},
        "datetime": {"name": "datetime", "in": "query", "required": False, "style": "form", "explode": False,
                     "description": "Over updated_at, inclusive: an instant (2026-11-27T00:00:00Z; a date is the "
                                    "whole day), or an interval a/b, ../b or a/.. (RFC 3339).",
                     "schema": {"type": "string"}},
        "featureId": {"name": "featureId", "in": "path", "required": True, "description": "The feature's id.",
                      "schema": {"type": "string"}},
    }


OGC_RESPONSES = {
    "LandingPage": _ogc_json(ref("schemas", "landingPage"), "The landing page: links to the API definition, "
                                                            "the conformance declaration and the collections."),
    "ConformanceDeclaration": _ogc_json(ref("schemas", "confClasses"), "The conformance classes implemented."),
    "Collections": _ogc_json(ref("schemas", "collections"), "The collections."),
    "Collection": _ogc_json(ref("schemas", "collection"), "One collection: extent, links."),
    "Features": _ogc_json(ref("schemas", "featureCollectionGeoJSON"),
                          "A page of features, with numberMatched, numberReturned and next/prev links.",
                          "application/geo+json"),
    "Feature": _ogc_json(ref("schemas", "featureGeoJSON"), "One feature.", "application/geo+json"),
    "Schema": {"description": "JSON Schema of the collection's GeoJSON features.",
               "content": {"application/schema+json": {"schema": {"type": "object"}}}},
    "InvalidParameter": {"description": "A query parameter is unknown or has an invalid value.",
                         "content": {"application/json": {"schema": ref("schemas", "exception")}}},
    "NotFound": {"description": "No such collection or feature.",
                 "content": {"application/json": {"schema": ref("schemas", "exception")}}},
    "ServerError": {"description": "A server error (503: the store is unreachable).",
                    "content": {"application/json": {"schema": ref("schemas", "exception")}}},
}


def _errors(*codes) -> dict:
    names = {"400": "InvalidParameter", "404": "NotFound", "500": "ServerError"}
    return {code: ref("responses", names[code]) for code in codes}


def _op(operation_id, summary, response, parameters, description=None, tags=("server",), errors=("400", "500")):
    op = {"tags": list(tags), "operationId": operation_id, "summary": summary,
          "parameters": parameters, "responses": {"200": ref("responses", response), **_errors(*errors)}}
    if description:
        op["description"] = description
    return op


def ogc_document(base_url: str, collections, lang: str = "vi") -> dict:
    """OpenAPI 3.0 for /ogc: the landing page, conformance, collections, and for each
    collection its description, items (with the parameters it accepts), item and schema."""
    from gis import ogc

    p = {name: ref("parameters", name) for name in ("f", "lang", "bbox", "limit", "offset", "datetime",
                                                    "featureId")}
    common = [p["f"], p["lang"]]
    paths = {
        "/": {"get": _op("getLandingPage", "Landing page", "LandingPage", common)},
        "/conformance": {"get": _op("getConformanceDeclaration", "Conformance classes", "ConformanceDeclaration",
                                    common)},
        "/api": {"get": {"tags": ["server"], "operationId": "getAPI", "summary": "This document",
                         "parameters": common, "responses": {"200": {
                             "description": "The API definition (f=html: the documentation page).",
                             "content": {OPENAPI_JSON: {"schema": {"type": "object"}},
                                         "text/html": {"schema": {"type": "string"}}}}, **_errors("400")}}},
        "/collections": {"get": _op("getCollections", "The collections", "Collections", common)},
    }
    parameters = _ogc_parameters()
    tags = [{"name": "server", "description": "The API itself."}]
    for c in collections:
        cid = c.id
        tags.append({"name": cid, "description": c.title(lang)})
        item_params = [p["bbox"], p["limit"], p["offset"]]
        if c.layer is None:
            item_params.append(p["datetime"])
            for name in ogc.PROJECT_FILTERS:
                parameters[f"{cid}_{name}"] = codelist_param(name)
                item_params.append(ref("parameters", f"{cid}_{name}"))
        base = f"/collections/{cid}"
        paths[base] = {"get": _op(f"describe_{cid}", f"{c.title(lang)}: the collection", "Collection",
                                  common, c.description(lang), tags=(cid,), errors=("400", "404", "500"))}
        paths[base + "/items"] = {"get": _op(
            f"getFeatures_{cid}", f"{c.title(lang)}: features", "Features", item_params + common,
            "Unknown parameters: 400." + ("" if c.layer is None else " Base layers have no time: datetime is 400."),
            tags=(cid,), errors=("400", "404", "500"))}
        paths[base + "/items/{featureId}"] = {"get": _op(
            f"getFeature_{cid}", f"{c.title(lang)}: one feature", "Feature", [p["featureId"]] + common,
            tags=(cid,), errors=("400", "404", "500"))}
        paths[base + "/schema"] = {"get": _op(f"getSchema_{cid}", f"{c.title(lang)}: JSON Schema of the features",
                                              "Schema", common, tags=(cid,), errors=("400", "404", "500"))}
    return {
        "openapi": OAS_VERSION,
        "info": {"title": ogc.TEXT[lang]["title"], "version": "1.0.0", "description": ogc.TEXT[lang]["description"],
                 "license": {"name": "Data licences: see each collection's description"}},
        "servers": [{"url": base_url}],
        "tags": tags,
        "paths": paths,
        "components": {"schemas": copy.deepcopy(OGC_SCHEMAS), "parameters": parameters,
                       "responses": copy.deepcopy(OGC_RESPONSES)},
    }
