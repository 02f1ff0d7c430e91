"""The sample news articles bundled with Dateline (data only)."""
