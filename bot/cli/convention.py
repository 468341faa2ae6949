"""`hemei convention import|show` and `hemei assess template|import`: the convention and assessing by spreadsheet."""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path
from typing import Any

from bot.cli.common import (
    CliError,
    Printer,
    Subparsers,
    add_config_option,
    command,
    operator,
    refuse_on_domain_error,
    services,
)
from bot.cli.rewards import yuan
from bot.config import Config
from bot.spreadsheets import FileMissingError, SpreadsheetError, read_sheet, read_table, write_table
from handlers import glossary
from handlers.errors import MESSAGES, error_text
from handlers.texts import Text, _
from village.convention.spec import parse_convention
from village.errors import ImportRejectedError, RowError

CLAUSE_HEADERS = {"name": ("name", "条款", "名称"), "points": ("points", "分值", "分数"),
                  "step": ("step", "每次扣分", "扣分"), "description": ("description", "说明", "内容")}
REQUIRED_CLAUSE_COLUMNS = ("name", "points")
SETTINGS_SHEETS = ("settings", "设置")


def register(subparsers: Subparsers) -> None:
    """Add `hemei convention` and `hemei assess`."""
    convention = subparsers.add_parser("convention", help="the village convention (美丽约定)")
    actions = convention.add_subparsers(dest="action", metavar="ACTION", required=True)
    importing = actions.add_parser("import", help="import a convention from TOML or XLSX (checked first)")
    add_config_option(importing)
    importing.add_argument("file", type=Path, help="a .toml or .xlsx file (see convention.example.toml)")
    importing.add_argument("--village", help="village code (default: the file's `village`)")
    importing.set_defaults(handler=command(_import_convention))
    showing = actions.add_parser("show", help="show the convention in force")
    add_config_option(showing)
    showing.add_argument("--village", required=True, help="village code, e.g. FX01")
    showing.set_defaults(handler=command(_show_convention))

    assess = subparsers.add_parser("assess", help="assess households by spreadsheet")
    steps = assess.add_subparsers(dest="action", metavar="ACTION", required=True)
    template = steps.add_parser("template", help="write an XLSX to fill in: one row per household")
    add_config_option(template)
    template.add_argument("--village", required=True, help="village code, e.g. FX01")
    template.add_argument("--group", required=True, help="the group's name, e.g. 1组")
    template.add_argument("--period", required=True, help="e.g. 2026-11, or 2026-Q4 for quarterly villages")
    template.add_argument("--out", type=Path,
                          help="file to write (.xlsx or .csv; default: assess-VILLAGE-GROUP-PERIOD.xlsx)")
    template.set_defaults(handler=command(_template))
    importing = steps.add_parser("import", help="store a filled template as drafts (every row checked first)")
    add_config_option(importing)
    importing.add_argument("file", type=Path, help="a .xlsx or .csv file")
    importing.set_defaults(handler=command(_import_assessments))


async def _import_convention(args: argparse.Namespace, config: Config) -> int:
    printer = Printer(config)
    village, data = read_convention_file(args.file)
    village = args.village or village
    if not village:
        raise CliError(_("Name the village: `village = \"FX01\"` in the file, or --village CODE."))
    try:
        spec = parse_convention(data)
    except ImportRejectedError as error:
        raise CliError(describe_problems(printer, error), 1) from None
    async with services(config) as village_services:
        stored = await refuse_on_domain_error(printer, village_services.conventions.import_spec(
            operator(), village, spec))
    printer.out(_("Convention version {version} of {village} stored: {clauses} clause(s), full marks {full}.",
                  version=stored.version, village=village.upper(), clauses=len(stored.clauses),
                  full=stored.full_marks))
    return 0


async def _show_convention(args: argparse.Namespace, config: Config) -> int:
    printer = Printer(config)
    async with services(config) as village_services:
        current = await refuse_on_domain_error(printer, village_services.conventions.current(operator(),
                                                                                             args.village))
    reward = current.reward
    print(f"version {current.version} · {current.period_kind.value} · full marks {current.full_marks}")
    print(f"faces: smile >= {current.thresholds.smile_min}, flat >= {current.thresholds.flat_min}; passing: "
          f"{', '.join(sorted(f.value for f in reward.passing))}")
    print(f"household reward {yuan(reward.annual_fen)} yuan a year, {reward.retained_percent}% retained; "
          f"group reward {yuan(current.homestead.reward_fen)} yuan")
    for clause in current.clauses:
        print(f"  {clause.name}: {clause.points} points (usually -{clause.step}) {clause.description}")
    return 0


async def _template(args: argparse.Namespace, config: Config) -> int:
    printer = Printer(config)
    async with services(config) as village_services:
        table = await refuse_on_domain_error(printer, village_services.assessments.template(
            operator(), args.village, args.group, args.period))
    out = args.out or Path(f"assess-{args.village.upper()}-{args.group}-{args.period}.xlsx")
    write_table(out, table, title=f"{args.group} {args.period}")
    printer.out(_("Wrote {count} household(s) to {path}.", count=len(table) - 1, path=str(out)))
    return 0


async def _import_assessments(args: argparse.Namespace, config: Config) -> int:
    printer = Printer(config)
    table = read_table(args.file)
    async with services(config) as village_services:
        count = await refuse_on_domain_error(printer, village_services.assessments.import_table(operator(), table))
    printer.out(_("Stored {count} draft(s). Publish them in the chat with {tool}.", count=count,
                    tool=glossary.ASSESS))
    return 0


def read_convention_file(path: Path) -> tuple[str | None, dict[str, Any]]:
    """Return the village code (if the file names one) and the convention's fields from TOML or XLSX."""
    suffix = path.suffix.lower()
    if suffix == ".toml":
        data = _read_toml(path)
    elif suffix == ".xlsx":
        data = _read_xlsx(path)
    else:
        raise SpreadsheetError(_("{name}: use a .toml or .xlsx file.", name=path.name))
    village = data.pop("village", None)
    return (str(village) if village else None), data


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise FileMissingError(_("Cannot read {path}: there is no such file.", path=str(path)))
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise SpreadsheetError(_("Cannot read {path}.", path=str(path))) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SpreadsheetError(_("{name} is not valid TOML: {problem}", name=path.name, problem=str(error))) from None


def _read_xlsx(path: Path) -> dict[str, Any]:
    """Clauses from the first sheet (a header row, one clause a row); settings from a sheet named settings."""
    table = read_table(path)
    if not table:
        raise SpreadsheetError(_("{name}: the first sheet has no rows.", name=path.name))
    header = [cell.strip().lower() for cell in table[0]]
    columns = {name: next((header.index(a) for a in aliases if a in header), None)
               for name, aliases in CLAUSE_HEADERS.items()}
    missing = [f"{CLAUSE_HEADERS[name][0]}/{CLAUSE_HEADERS[name][1]}" for name in REQUIRED_CLAUSE_COLUMNS
               if columns[name] is None]
    if missing:  # once for the file, not once per clause
        raise SpreadsheetError(_("{name}: the header row lacks the column(s): {columns}", name=path.name,
                                 columns=", ".join(missing)))
    clauses = [{name: row[index] for name, index in columns.items() if index is not None and index < len(row)}
               for row in table[1:] if any(cell.strip() for cell in row)]
    data: dict[str, Any] = {"clauses": clauses}
    for key, value in _settings(path).items():
        section, _dot, field = key.partition(".")
        if field:
            data.setdefault(section, {})[field] = value
        elif key == "passing_faces":
            data[key] = [face.strip() for face in value.replace("，", ",").split(",") if face.strip()]
        else:
            data[key] = value
    return data


def _settings(path: Path) -> dict[str, str]:
    rows = read_sheet(path, SETTINGS_SHEETS)
    return {row[0]: row[1] if len(row) > 1 else "" for row in rows if row and row[0]}


def describe_problems(printer: Printer, error: ImportRejectedError) -> str:
    """List a convention file's problems: general ones first, then each clause's by its number."""
    lines = [printer.text(error_text(error)), *printer.listed([_problem(problem) for problem in error.errors])]
    return "\n".join(lines)


def _problem(problem: RowError) -> Text:
    reason = Text(MESSAGES[problem.code].msgid, tuple((k, str(v)) for k, v in problem.params.items()))
    if problem.row == 0:
        return reason
    return _("Clause {number}: {reason}", number=problem.row, reason=reason)
