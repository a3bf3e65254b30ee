"""Exports: Excel workbooks written safely (``workbooks``), and large list exports run as background jobs
(``background``) with their pages (``views``)."""
