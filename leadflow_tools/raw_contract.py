"""The raw column contract: read from the sources YAML, written out for dbt and for people.

The sources YAML (models/staging/<family>/_<family>__sources.yml) is the one place the contract
is edited: every column leadflow reads, with its `data_type` and `config.meta` (required,
used_for, column_var), and per table `config.meta.optional_table`. Two files are generated
from it and checked in (tests/python/test_raw_contract.py fails when they are stale):

- macros/raw_contract.sql: the contract as a Jinja dict, which macros/source_contract.sql
  reads. dbt's `graph` would hold the same, but it is empty while unit tests run, and the
  staging models must read their sources through the contract there too.
- the column tables of docs/raw_sources.md, between its generated-table markers.

Run `python -m leadflow_tools.raw_contract` (or `make contract`) after editing the YAML.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

from . import PROJECT_ROOT

FAMILIES = ("salesforce", "hubspot", "segment")


def arrival_column(schema: str) -> str:
    """The loader's arrival stamp of a raw table in `schema` (as macros/raw_versions.sql
    raw_arrival_column): when Segment received the message, or when Fivetran wrote the row."""
    return "received_at" if schema.endswith("segment") else "_fivetran_synced"


def stamped_raw_tables(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(schema, table) of every raw table in the connection's database that has its loader's
    arrival stamp (arrival_column), in order."""
    stamped = con.execute(
        "select table_schema, table_name, column_name from information_schema.columns "
        "where table_catalog = current_database() and table_schema like 'raw\\_%' escape '\\' "
        "and column_name in ('received_at', '_fivetran_synced') order by 1, 2"
    ).fetchall()
    return [(str(schema), str(table)) for schema, table, column in stamped if column == arrival_column(str(schema))]
MACRO_PATH = PROJECT_ROOT / "macros" / "raw_contract.sql"
DOC_PATH = PROJECT_ROOT / "docs" / "raw_sources.md"
BEGIN = "<!-- BEGIN generated column tables (python -m leadflow_tools.raw_contract) -->"
END = "<!-- END generated column tables -->"


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    required: bool
    used_for: str
    column_var: str | None
    description: str


@dataclass(frozen=True)
class Table:
    family: str
    name: str
    identifier: str
    optional: bool
    description: str
    columns: tuple[Column, ...]


def sources_path(family: str) -> Path:
    return PROJECT_ROOT / "models" / "staging" / family / f"_{family}__sources.yml"


def _default_identifier(entry: dict[str, object]) -> str:
    """A table's warehouse name when no override var is set: "{{ var('x', 'lead') }}" -> lead."""
    identifier = str(entry.get("identifier", entry["name"]))
    templated = re.search(r"var\(\s*'[^']+'\s*,\s*'([^']+)'\s*\)", identifier)
    return templated.group(1) if templated else identifier


def load_contract() -> list[Table]:
    """Every raw table of the contract, in the order of the sources YAML files."""
    tables: list[Table] = []
    for family in FAMILIES:
        document = yaml.safe_load(sources_path(family).read_text())
        for source in document["sources"]:
            for entry in source["tables"]:
                meta = (entry.get("config") or {}).get("meta") or {}
                columns = []
                for column in entry.get("columns", []):
                    cmeta = (column.get("config") or {}).get("meta") or {}
                    columns.append(
                        Column(
                            name=column["name"],
                            data_type=column.get("data_type", "string"),
                            required=bool(cmeta.get("required", False)),
                            used_for=str(cmeta.get("used_for", "")),
                            column_var=cmeta.get("column_var"),
                            description=str(column.get("description", "")),
                        )
                    )
                tables.append(
                    Table(
                        family=family,
                        name=entry["name"],
                        identifier=_default_identifier(entry),
                        optional=bool(meta.get("optional_table", False)),
                        description=str(entry.get("description", "")),
                        columns=tuple(columns),
                    )
                )
    return tables


def _jinja(value: object) -> str:
    """A Jinja literal of a JSON-like value (JSON's null is Jinja's none)."""
    if value is None:
        return "none"
    return json.dumps(value)


def render_macro(tables: list[Table]) -> str:
    """macros/raw_contract.sql: {family: {table: {optional_table, columns: [...]}}}, a column a line."""
    lines = [
        "{#- GENERATED from the sources YAML by `python -m leadflow_tools.raw_contract`; do not edit.",
        "    The raw column contract that macros/source_contract.sql reads (see that file). -#}",
        "{% macro raw_contract() %}",
        "    {%- set contract = {",
    ]
    families = [f for f in FAMILIES if any(t.family == f for t in tables)]
    for fi, family in enumerate(families):
        lines.append(f'        "{family}": {{')
        family_tables = [t for t in tables if t.family == family]
        for ti, table in enumerate(family_tables):
            lines.append(f'            "{table.name}": {{"optional_table": {_jinja(table.optional)}, "columns": [')
            for ci, c in enumerate(table.columns):
                fields = ", ".join(
                    f'"{key}": {_jinja(value)}'
                    for key, value in (
                        ("name", c.name), ("data_type", c.data_type), ("required", c.required),
                        ("used_for", c.used_for), ("column_var", c.column_var),
                    )
                )
                lines.append(f"                {{{fields}}}" + ("," if ci < len(table.columns) - 1 else ""))
            lines.append("            ]}" + ("," if ti < len(family_tables) - 1 else ""))
        lines.append("        }" + ("," if fi < len(families) - 1 else ""))
    lines += ["    } -%}", "    {{ return(contract) }}", "{% endmacro %}", ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_doc_tables(tables: list[Table]) -> str:
    """The per-table column tables of docs/raw_sources.md."""
    out: list[str] = []
    family = None
    for table in tables:
        if table.family != family:
            family = table.family
            out.append(f"### {family} (`var('{family}_schema')`, default `raw_{family}`)\n")
        kind = "optional table: absent, it stages no rows" if table.optional else "required table"
        out.append(f"#### `{table.identifier}` ({kind})\n")
        out.append(_cell(table.description) + "\n")
        out.append("| column | type | required | used for |")
        out.append("|---|---|---|---|")
        for c in table.columns:
            name = f"`{c.name}`" + (f" (var `{c.column_var}`)" if c.column_var else "")
            out.append(f"| {name} | {c.data_type} | {'yes' if c.required else 'no'} | {_cell(c.used_for)} |")
        out.append("")
    return "\n".join(out)


def render_doc(tables: list[Table], current: str) -> str:
    """docs/raw_sources.md with its generated section replaced."""
    head, _, rest = current.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n\n{render_doc_tables(tables)}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write macros/raw_contract.sql and the column tables of docs/raw_sources.md "
        "from the sources YAML (the raw column contract). --check only reports stale files."
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a generated file is out of date")
    args = parser.parse_args(argv)
    tables = load_contract()
    wanted = {MACRO_PATH: render_macro(tables), DOC_PATH: render_doc(tables, DOC_PATH.read_text())}
    stale = [path for path, text in wanted.items() if not path.exists() or path.read_text() != text]
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(PROJECT_ROOT)} (run python -m leadflow_tools.raw_contract)")
        return 1 if stale else 0
    for path in stale:
        path.write_text(wanted[path])
        print(f"wrote {path.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
