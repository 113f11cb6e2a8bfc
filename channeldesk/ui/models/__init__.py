"""Table models over SQL queries."""
