"""Work that spans the store and the outside world: demo data, import/export, credentials."""
