"""Report writers (DESIGN §7): a run record (run.json) in, the certification summary
(json/md/html), junit.xml, Allure environment/categories and the Allure HTML report out.

`build_reports(run_json, out_dir)` is the one entry point `qrinterop certify` and
`qrinterop report build` share; docs/reports.md says what each file is.
"""
from qrinterop.reports.build import BuiltReports, build_reports, write_reports

__all__ = ["BuiltReports", "build_reports", "write_reports"]
