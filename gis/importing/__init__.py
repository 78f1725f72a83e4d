"""Import of uploaded GIS files (no Flask): read, preview what it would change, commit.

1. ``readers.read_upload(filename, data, *, encoding=None, source_crs=None, ...)`` -> ``ImportedLayer``:
   GeoJSON, GeoPackage, Shapefile (zip), KML/KMZ, CSV (lon/lat or WKT columns) and XLSX,
   reprojected to WGS84 lon/lat (EPSG:4326) with pyproj. VN-2000 is recognised and
   transformed with the official parameters (Decision 05/2007/QĐ-BTNMT, EPSG:6960).
   Bad files raise BadRequest/Invalid/TooLarge with the reason; library errors are wrapped.
2. ``preview.preview(layer, mapping, mode, store)`` -> ``[PreviewRow]``: per feature the validation
   result (gis.schema.validate_feature after the field mapping and defaults), where it
   lands and whether it adds a new id or updates an existing one.
3. ``preview.commit(layer, mapping, mode, store, *, user, note)`` writes every VALID row in ONE
   transaction (``store.import_projects``), each change in history with user and note.

Modules, in dependency order: ``safety`` (limits, format detection, zip checks), ``crs`` (CRS
parsing, VN-2000, reprojection), ``layer`` (ImportedLayer and its plain values), ``ogr_readers``
(GeoPackage, KML, Shapefile through GDAL), ``tables`` (CSV, XLSX), ``readers`` (read_upload,
GeoJSON, zips), ``mapping`` (field mapping, value coercion), ``preview`` (preview and commit).

Limits are declared once, in safety.py. docs/formats.md describes formats, encodings and CRS handling.
"""
