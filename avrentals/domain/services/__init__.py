"""Services: the only code that writes. Each takes an explicit Actor and a Session, checks
permissions, validates, writes in the caller's transaction, audits and records changes."""
