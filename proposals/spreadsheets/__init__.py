"""The back office's spreadsheets, one idea a module: `formats` (CSV, XLSX, ODS), `widgets` (how
a cell reads and writes a value), `resources` (the columns of each model), `cells` (text cells
that never run as formulas, in every file the site produces), `imports` (the limits and the rows
waiting for confirmation), `forms` (the import form) and `admin` (`SpreadsheetAdmin`)."""
