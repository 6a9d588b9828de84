"""Pure Python foundations: no Django, no database. Everything here is testable in isolation."""
