"""Bulk imports: reading sheets, the Importer machinery, its jobs, reports and pages (DESIGN.md §2)."""
