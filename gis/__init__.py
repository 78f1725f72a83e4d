"""Core of the Cần Thơ key-projects map: data model, store, API and map, free of Flask.

Only ``gis.web`` and ``gis.cli`` import Flask.
"""
