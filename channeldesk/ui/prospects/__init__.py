"""prospects feature UI: the recruitment pipeline tab, board, detail, profile, import."""
