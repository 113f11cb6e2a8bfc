"""partners feature UI: the directory tab, its table model, detail pane and dialogs."""
