"""Marts: the views the dashboard's pages read, stored as tables at the end of every build and every load.

A page query over a view recomputes its joins, unpivots and windows on every call (30–250 ms for 34–63 rows); over a
mart it is a filtered read of a few thousand rows. The views in etl/schema.sql stay the one
definition: a mart is `SELECT * FROM` its view, refilled whenever the facts change, and carries its view's comments.
tests/test_marts.py checks that each mart equals its view after a build and after a load.
"""
from __future__ import annotations

import duckdb

MARTS = {  # mart → the view it snapshots (fixed names: they are spliced into SQL below)
    "mart_unit_year": "v_unit_year",
    "mart_unit34_year": "v_unit34_year",
    "mart_group_year": "v_group_year",
    "mart_nation_year": "v_nation_year",
    "mart_unit_outreach": "v_unit_outreach",
    "mart_unit_peer": "v_unit_peer",  # the Compare page: every unit, year and metric, ranked, for both groupings
    "mart_year_budget": "v_year_budget",  # year_status_from(…) over it: the date-dependent part stays a query
    "mart_agency_year": "v_agency_year",
    "mart_period_totals": "v_period_totals",
    "mart_period_progress": "v_period_progress",
    "mart_budget_current": "budget_current",
    "mart_amount_origin34": "v_amount_origin34",  # 2.500 rows at 100×; the origins of each amount (realonly)
    "mart_fact_rows": "v_fact_rows",  # rows in use per fact, unit, year, origin, source
    "mart_project_mix": "v_project_mix",  # đề án per unit, year, fund, activity type (2 M rows at 100× → ~20 k)
}


def refresh(con: duckdb.DuckDBPyConnection) -> None:
    """Create the marts (first time, after etl/comments.sql: they take their views' comments) or refill them.

    Called inside the build's or the load's scratch database before it is renamed into place, so readers never see
    a mart that disagrees with its view."""
    existing = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' "
                                          "AND database_name = current_database()").fetchall()}
    for mart, view in MARTS.items():
        if mart in existing:  # a load: keep the table (and its comments), replace its rows
            con.execute(f"DELETE FROM {mart}")  # noqa: S608 — fixed names
            con.execute(f"INSERT INTO {mart} BY NAME SELECT * FROM {view}")  # noqa: S608
        else:
            con.execute(f"CREATE TABLE {mart} AS SELECT * FROM {view}")  # noqa: S608
            _copy_comments(con, mart, view)


def _copy_comments(con: duckdb.DuckDBPyConnection, mart: str, view: str) -> None:
    """The mart's data dictionary is its view's: the same words, written once (etl/comments.sql)."""
    comment = con.execute("SELECT comment FROM duckdb_views() WHERE view_name = ? AND schema_name = 'main' "
                          "AND database_name = current_database()", [view]).fetchone()
    text = f"Stored copy of {view}, refilled by every build and load (etl/marts.py)" + (
        f": {comment[0]}" if comment and comment[0] else ".")
    con.execute(f"COMMENT ON TABLE {mart} IS {_literal(text)}")
    for column, note in con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE table_name = ? "
                                    "AND schema_name = 'main' AND database_name = current_database() "
                                    "AND comment IS NOT NULL", [view]).fetchall():
        con.execute(f'COMMENT ON COLUMN {mart}."{column}" IS {_literal(note)}')


def _literal(text: str) -> str:
    """A SQL string literal (COMMENT ON takes no parameters); the text is our own comments, quoted all the same."""
    return "'" + text.replace("'", "''") + "'"
