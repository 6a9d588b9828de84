"""Encryption at rest: sealed model fields, their lookup digests, sealed uploads, and the
`ninhaoban keys` commands (docs/SECURITY.md)."""
