"""One router module per resource; each declares its full `/api/...` paths."""
