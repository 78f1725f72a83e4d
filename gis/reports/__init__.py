"""Period reports (plan section IV.4), no Flask: ``periods`` (the dates a report covers), ``content``
(the report's data), ``map_image`` (its static map), ``xlsx`` and ``pdf`` (its output formats).

The Department of Planning and Investment reports on the plan every 6 months and every
year. A report covers a ``Period`` (``2026-H1``, ``2026-H2``, ``2026`` or a range
``2026-01-01..2026-03-31``) and shows, as recorded in the system:

* the projects as they were at the end of the period: each project's current state with
  the history entries dated after the period end undone (``gis.history.states_at_date``), the
  sourced milestones included;
* the status by sector and by lead agency, and the projects behind schedule at the close
  of the period (``gis.dashboard.summarise`` on those states);
* every change recorded in the period;
* the plan's 13 targets with the values recorded up to the period end (target 11
  computed from the commune data at the period end, ``gis.targets``);
* a static map drawn with matplotlib (no tiles): base layers, projects coloured by status
  (``gis.style``), legend, north arrow, scale bar, "indicative boundaries" note.

``gettext`` is passed in (Flask-Babel's in the web app) and called as ``_("...")`` so that
``pybabel extract`` finds the strings; period names are data (both languages) because the
plan's reporting vocabulary must be exact.
"""
