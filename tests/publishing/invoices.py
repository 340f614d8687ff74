"""Prepared monthly invoice files for the publishing tests, made the way a publisher makes them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from ckanext.openup.cli.prepare import prepare_command

HEADER = (
    "kopare_id,kopare,verifikationsnummer,leverantor,leverantor_id,konto_nr,konto_text,datum,"
    "forvaltning,fakturanummer,belopp,grund,avtal,kommun_id,s_kod_nr"
)
# A test personnummer with a valid check digit (tests/procurement uses the same), not a real person.
PERSONNUMMER = "811218-9876"
SUNDSVALLS_KOMMUN = ("2120002411", "Sundsvalls kommun")
VASTRA_GOTALANDSREGIONEN = ("2321000131", "Västra Götalandsregionen")


def invoice_row(
    year: int, month: int, number: int, amount: str = "1302.03", buyer: tuple[str, str] = SUNDSVALLS_KOMMUN
) -> str:
    return (
        f"{buyer[0]},{buyer[1]},{month}{number:05d},Åkeriet i Väst AB,5560160680,4010,"
        f"Förbrukningsmaterial,{year}-{month:02d}-{1 + number % 28:02d},Kulturförvaltningen,"
        f"F-{month}-{number},{amount},upphandling,,2281,"
    )


def raw_export(
    folder: Path, year: int, months: list[int], rows_per_month: int = 20, name: str = "",
    buyer: tuple[str, str] = SUNDSVALLS_KOMMUN,
) -> Path:
    """A finance export in spec 1.1 columns covering ``months`` of ``year``, all bought by ``buyer``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"leverantorsreskontra-{year}.csv")
    rows = [invoice_row(year, month, number, buyer=buyer) for month in months for number in range(rows_per_month)]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def prepared_months(
    tmp_path: Path, year: int, months: list[int], rows_per_month: int = 20,
    buyer: tuple[str, str] = SUNDSVALLS_KOMMUN,
) -> Path:
    """``openup prepare --by-month`` output (files and manifest) for ``months`` of ``year``."""
    source = raw_export(tmp_path / "export", year, months, rows_per_month, buyer=buyer)
    out = tmp_path / "prepared"
    result = CliRunner().invoke(prepare_command, [str(source), "--out", str(out), "--by-month"])
    assert result.exit_code == 0, result.output
    return out


def month_file(prepared: Path, year: int, month: int) -> Path:
    return prepared / f"leverantorsreskontra-{year}-{year}-{month:02d}.csv"
