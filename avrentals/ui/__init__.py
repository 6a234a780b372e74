"""The Reflex adapter: states (server-side, per browser tab), pages and components.

Thin by design: every read and write goes through `avrentals.domain.services` with a verified
Actor; states keep identities and rows from the database in backend-only `_` vars and send the
browser plain, display-ready values.
"""
