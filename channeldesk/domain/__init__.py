"""Pure business rules: no Qt, no database. Plain values in, plain values out."""
