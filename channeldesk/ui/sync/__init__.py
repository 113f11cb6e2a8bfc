"""sync feature UI: toolbar, status, settings, conflicts window."""
